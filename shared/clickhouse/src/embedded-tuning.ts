import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE_NAME_PATTERN } from './clickhouse-config';

/**
 * Seconds a part replaced by a merge stays on disk in the embedded engine (a server keeps them
 * 8 minutes). Long enough for the kernel to have written the merged part back (dirty pages are
 * written within 30 s by default), short enough that a laptop's data directory does not grow by
 * every intermediate merge of a busy minute.
 */
export const EMBEDDED_OLD_PARTS_LIFETIME_S = 60;
/** The cleanup thread's longest sleep when it found nothing to do (a server's default: 300 s). */
export const EMBEDDED_MAX_CLEANUP_DELAY_S = 60;

/**
 * Storage settings for the embedded engine only (a ClickHouse server keeps its operator's
 * settings): every MergeTree table of `database` drops merged-away parts after
 * EMBEDDED_OLD_PARTS_LIFETIME_S, checking at least every EMBEDDED_MAX_CLEANUP_DELAY_S. Idempotent,
 * metadata only; run after the migrations.
 */
export async function tuneEmbeddedTables(client: ClickHouseClient, database: string): Promise<number> {
  if (!DATABASE_NAME_PATTERN.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  const result = await client.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree'`,
    query_params: { db: database },
    format: 'JSONEachRow',
  });
  const tables = (await result.json<{ name: string }>()).map((t) => t.name).filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  for (const name of tables) {
    await client.command({
      query: `ALTER TABLE \`${database}\`.\`${name}\` MODIFY SETTING old_parts_lifetime = ${EMBEDDED_OLD_PARTS_LIFETIME_S}, max_cleanup_delay_period = ${EMBEDDED_MAX_CLEANUP_DELAY_S}`,
    });
  }
  return tables.length;
}
