import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  loadMigrations,
  openClickHouse,
  ensureWritableDir,
  runMigrations,
  splitSqlStatements,
  type ClickHouseHandle,
} from '@chainwatch/clickhouse';
import { ChainwatchError } from '@chainwatch/runtime';
import { testClickHouse, type TestClickHouse } from '@chainwatch/testing';

describe('splitSqlStatements', () => {
  it('splits on ; at line ends only, ignoring strings and comments', () => {
    const sql = [
      '-- leading comment; with a semicolon;',
      "CREATE TABLE a (s String DEFAULT 'x;\ny;') ENGINE = Memory;",
      '/* block; comment;',
      '*/',
      'SELECT 1; SELECT 2;   -- trailing',
      'SELECT `we;ird`',
      ';',
      '-- only a comment;',
    ].join('\n');
    expect(splitSqlStatements(sql)).toEqual([
      "-- leading comment; with a semicolon;\nCREATE TABLE a (s String DEFAULT 'x;\ny;') ENGINE = Memory",
      '/* block; comment;\n*/\nSELECT 1; SELECT 2',
      '-- trailing\nSELECT `we;ird`',
    ]);
  });
});

describe('migrations', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse({ ttlDays: 7 });
  });
  afterAll(async () => {
    await ch?.close();
  });

  const query = async <T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> =>
    (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();

  it('records every file once and applying again changes nothing', async () => {
    const files = await loadMigrations();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const before = await query<{ version: number; checksum: string }>(
      `SELECT version, checksum FROM ${ch.database}.schema_migrations ORDER BY version`,
    );
    expect(before.map((r) => Number(r.version))).toEqual(files.map((f) => f.version));
    expect(before.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));

    const again = await runMigrations({ client: ch.client, database: ch.database, ttlDays: 7 });
    expect(again).toEqual({ applied: [], skipped: files.length });
    const after = await query<{ n: string }>(`SELECT count() AS n FROM ${ch.database}.schema_migrations`);
    expect(Number(after[0]?.n)).toBe(files.length);
  });

  it('creates the tables and views with the intended engines, keys, TTL and dedup window', async () => {
    const tables = await query<{ name: string; engine: string; sorting_key: string; partition_key: string; create_table_query: string }>(
      `SELECT name, engine, sorting_key, partition_key, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db: ch.database },
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const name of ['agent_actions', 'findings', 'risk_signals', 'decisions']) {
      const t = byName.get(name);
      expect(t?.engine, name).toBe('MergeTree');
      expect(t?.partition_key).toBe('toDate(ts)');
      expect(t?.sorting_key.startsWith('session_id, ts')).toBe(true);
      expect(t?.create_table_query).toContain("DateTime64(3, 'UTC')");
      expect(t?.create_table_query).toContain('toIntervalDay(7)');
      expect(t?.create_table_query).toContain('non_replicated_deduplication_window = 1000');
      expect(t?.create_table_query).toMatch(/INDEX idx_trace_id trace_id TYPE bloom_filter/);
    }
    for (const name of ['actions_per_minute', 'findings_per_minute', 'decisions_per_minute']) {
      expect(byName.get(name)?.engine).toBe('SummingMergeTree');
      expect(byName.get(name)?.create_table_query).toContain('non_replicated_deduplication_window = 1000');
      expect(byName.get(`${name}_mv`)?.engine).toBe('MaterializedView');
    }
    const lc = await query<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'agent_actions' AND name IN ('agent_type', 'tool', 'outcome', 'ts')`,
      { db: ch.database },
    );
    expect(Object.fromEntries(lc.map((c) => [c.name, c.type]))).toEqual({
      agent_type: 'LowCardinality(String)',
      tool: 'LowCardinality(String)',
      outcome: 'LowCardinality(String)',
      ts: "DateTime64(3, 'UTC')",
    });
    // Raw tool arguments have no column.
    const args = await query(`SELECT name FROM system.columns WHERE database = {db:String} AND name = 'args'`, { db: ch.database });
    expect(args).toEqual([]);
  });

  it('embedded engine: an insert without a token does not inherit the previous insert\'s token', async () => {
    await ch.client.command({ query: `CREATE TABLE ${ch.database}.token_probe (n UInt32) ENGINE = MergeTree ORDER BY n SETTINGS non_replicated_deduplication_window = 100` });
    await ch.client.insert({ table: `${ch.database}.token_probe`, values: [{ n: 1 }], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'probe' } });
    await ch.client.insert({ table: `${ch.database}.token_probe`, values: [{ n: 2 }], format: 'JSONEachRow' });
    await ch.client.insert({ table: `${ch.database}.token_probe`, values: [{ n: 3 }], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'probe' } });
    const rows = await query<{ n: number }>(`SELECT n FROM ${ch.database}.token_probe ORDER BY n`);
    expect(rows.map((r) => Number(r.n))).toEqual([1, 2]);
  });

  it('refuses to run when an applied migration file changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-migrations-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const files = await loadMigrations(dir);
    const first = files[0];
    if (!first) throw new Error('no migrations');
    writeFileSync(join(dir, `${String(first.version).padStart(4, '0')}_${first.name}.sql`), `${first.sql}\n-- edited\n`);
    await expect(runMigrations({ client: ch.client, database: ch.database, ttlDays: 7, dir })).rejects.toThrow(MigrationError);
    await expect(runMigrations({ client: ch.client, database: ch.database, ttlDays: 7, dir })).rejects.toThrow(/was changed after it was applied/);
  });
});

describe('openClickHouse', () => {
  it('an unwritable data directory fails with CW_DATA_DIR_UNWRITABLE before the engine starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cw-unwritable-')), 'a-file');
    writeFileSync(file, '');
    let handle: ClickHouseHandle | undefined;
    const err = await openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(file, 'clickhouse'), ttlDays: 30 })
      .then((h) => {
        handle = h;
        return null;
      })
      .catch((e: unknown) => e);
    await handle?.close();
    expect(err).toBeInstanceOf(ChainwatchError);
    expect((err as ChainwatchError).code).toBe('CW_DATA_DIR_UNWRITABLE');
    expect((err as ChainwatchError).message).toContain(join(file, 'clickhouse'));
    expect((err as ChainwatchError).message.split('\n')).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')('a directory that cannot be created fails fast instead of spinning (mkdir answers ENOENT under /proc)', () => {
    expect(() => ensureWritableDir('/proc/chainwatch-no-such/clickhouse')).toThrow(/data directory is not writable: \/proc\/chainwatch-no-such/);
  });

  it('an unreachable server fails with CW_CLICKHOUSE_UNAVAILABLE', async () => {
    const err = await openClickHouse({ url: 'http://127.0.0.1:1', user: 'default', password: 'hunter2', database: 'chainwatch', dataDir: './unused', ttlDays: 30 }).catch((e: unknown) => e);
    expect((err as ChainwatchError).code).toBe('CW_CLICKHOUSE_UNAVAILABLE');
    expect((err as Error).message).not.toContain('hunter2');
  });
});
