import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_OLD_PARTS_LIFETIME_S, tuneEmbeddedTables } from '@chainwatch/clickhouse';
import { testClickHouse, type TestClickHouse } from '@chainwatch/testing';

// Embedded store hygiene: merged-away parts leave the data directory within a minute or two
// instead of piling up for 8 minutes (a busy minute of small inserts left >100 MB behind).
describe('tuneEmbeddedTables', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
  });
  afterAll(async () => {
    await ch?.close();
  });

  it.skipIf(Boolean(process.env.CLICKHOUSE_URL))('sets a short old_parts_lifetime on every MergeTree table of the database, idempotently', async () => {
    const tuned = await tuneEmbeddedTables(ch.client, ch.database);
    expect(tuned).toBeGreaterThanOrEqual(14);
    expect(await tuneEmbeddedTables(ch.client, ch.database)).toBe(tuned);
    const rows = await (
      await ch.client.query({ query: 'SELECT name, create_table_query AS q FROM system.tables WHERE database = {db:String} AND engine LIKE {e:String}', query_params: { db: ch.database, e: '%MergeTree' }, format: 'JSONEachRow' })
    ).json<{ name: string; q: string }>();
    for (const r of rows) expect(r.q, r.name).toContain(`old_parts_lifetime = ${EMBEDDED_OLD_PARTS_LIFETIME_S}`);
  });
});
