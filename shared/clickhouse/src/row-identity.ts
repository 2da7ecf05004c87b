import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceTable } from './rows';

/** A trace table whose rows have an identity: the column, and the table of ids already stored (migration 0004). */
export interface RowIdentity {
  readonly column: string;
  readonly idsTable: string;
  readonly type: 'UUID' | 'String';
}

/**
 * Exactly one row per identity: the trace writer drops rows whose id is already stored before it
 * inserts (see schemas/clickhouse/0004_row_identity.sql). Risk signals and decisions have no such
 * identity (a signal is one of many per session; a decision id is random and written once).
 */
export const ROW_IDENTITY: Readonly<Partial<Record<TraceTable, RowIdentity>>> = {
  agent_actions: { column: 'event_id', idsTable: 'agent_action_ids', type: 'UUID' },
  findings: { column: 'finding_id', idsTable: 'finding_ids', type: 'String' },
};

/** Which of `ids` are already stored for `table` (one query, bound parameters). */
export async function storedIds(client: ClickHouseClient, database: string, table: TraceTable, ids: readonly string[]): Promise<Set<string>> {
  const identity = ROW_IDENTITY[table];
  if (!identity || ids.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT DISTINCT toString(${identity.column}) AS id FROM \`${database}\`.${identity.idsTable} WHERE ${identity.column} IN {ids:Array(${identity.type})}`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ id: string }>();
  return new Set(rows.map((r) => r.id));
}
