/**
 * Queries for the Grafana ClickHouse plugin (grafana-clickhouse-datasource), which the
 * foundation SDK has no builder for: a `cog.Builder<cog.Dataquery>` emitting the plugin's SQL
 * query model (src/types/sql.ts of grafana/clickhouse-datasource).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { CLICKHOUSE_DATASOURCE } from './datasources';

/** How Grafana should shape a query's result. */
export type ResultShape = 'timeseries' | 'table';

/** The plugin's SQL query (CHSqlQuery). */
export interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  editorType: 'sql';
  queryType: ResultShape;
  /** sqlds format: 0 = time series, 1 = table. */
  format: 0 | 1;
  rawSql: string;
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(refId: string, rawSql: string, shape: ResultShape) {
    this.internal = {
      refId,
      datasource: CLICKHOUSE_DATASOURCE,
      editorType: 'sql',
      queryType: shape,
      format: shape === 'timeseries' ? 0 : 1,
      rawSql,
      _implementsDataqueryVariant: () => undefined,
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }
}

/**
 * One SQL query against the Chainwatch ClickHouse datasource. Tables are unqualified: the
 * datasource's default database (`chainwatch`) resolves them. SQL may use the plugin's macros
 * ($__timeFilter, $__timeInterval, $__interval_s) and template variables through `sqlVar` only.
 */
export function sqlTarget(refId: string, rawSql: string, shape: ResultShape = 'table'): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(refId, dedent(rawSql), shape);
}

/**
 * A template variable as a ClickHouse string expression, safe for any value.
 *
 * Session and trace ids come from the agents being watched, so they are attacker-controlled
 * text. Grafana's `sqlstring` format doubles `'` but leaves `\`, which ClickHouse treats as an
 * escape, so a value ending in `\` would break out of the literal. `percentencode` leaves only
 * `[A-Za-z0-9._~%-]` in the literal, and ClickHouse decodes it back to the exact value.
 */
export function sqlVar(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid variable name ${JSON.stringify(name)}`);
  return `decodeURLComponent('\${${name}:percentencode}')`;
}

/** Strips the common indentation of a template literal so generated SQL reads cleanly. */
function dedent(sql: string): string {
  const lines = sql.replace(/^\n+/, '').replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim().length > 0).map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).replace(/\s+$/, '')).join('\n');
}
