/**
 * The read-only ClickHouse HTTP endpoint of the decision API, exercised with the official
 * @clickhouse/client over a real socket, configured as Grafana's ClickHouse plugin would be:
 * HTTP, a path, a user name and the analyst token as password, the Chainwatch database.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { openEmbeddedReadOnlySql, toFindingRow, type ReadOnlySql } from '@chainwatch/clickhouse';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { buildDecisionApi, createDevAuth, listenDecisionApi, type DecisionApi, type DevAuth } from '@chainwatch/decision-api';
import { FakeEngine } from '../decision-api/fake-engine';
import { freshView } from '../decision-api/harness';
import { testClickHouse, type TestClickHouse, makeFinding } from '@chainwatch/testing';
import { REPO_ROOT } from '../cli/run-cli';

const embedded = !process.env.CLICKHOUSE_URL;
/** infra/grafana/driver-check runs where a Go toolchain is installed (it is not an npm dependency). */
const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

describe.runIf(embedded)('read-only ClickHouse HTTP endpoint (official @clickhouse/client)', () => {
  let ch: TestClickHouse;
  let other: TestClickHouse;
  let reader: ReadOnlySql;
  let auth: DevAuth;
  let api: DecisionApi;
  let url = '';
  let analyst = '';
  const clients: ClickHouseClient[] = [];
  const session = `sess-${randomUUID()}`;

  /** As Grafana's plugin connects: HTTP, path /clickhouse, any user name, the token as password. */
  const grafanaLike = (password: string, extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient => {
    const client = createClient({ url, pathname: '/clickhouse', username: 'grafana', password, database: ch.database, log: { level: ClickHouseLogLevel.OFF }, ...extra });
    clients.push(client);
    return client;
  };
  const failure = async (p: Promise<unknown>): Promise<{ code?: string; type?: string; message: string }> => {
    try {
      await p;
    } catch (err) {
      return err as { code?: string; type?: string; message: string };
    }
    throw new Error('expected the query to fail');
  };

  beforeAll(async () => {
    ch = await testClickHouse();
    other = await testClickHouse();
    const engineDir = `${process.env.CHAINWATCH_TEST_DATA_DIR}/clickhouse`;
    await ch.client.insert({
      table: `${ch.database}.findings`,
      values: [0, 1, 2].map((i) => toFindingRow(makeFinding({ session_id: session, ts: Date.now() - 60_000 + i, rule_id: `rule-${i}`, message: `it's finding ${i}` }))),
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: `ch-http-${session}` },
    });
    reader = openEmbeddedReadOnlySql(engineDir, ch.database);
    auth = await createDevAuth();
    api = await buildDecisionApi({
      view: freshView(new FakeEngine()),
      publisher: new MemoryLog(),
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      clickhouseHttp: { reader },
      logger: createLogger({ name: 'clickhouse-http-test', level: 'silent' }),
    });
    url = await listenDecisionApi(api, { host: '127.0.0.1', port: 0 });
    analyst = await auth.sign({ sub: 'grafana', roles: ['analyst'] });
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await api?.app.close();
    await reader?.close();
    await other?.close();
    await ch?.close();
  });

  it('answers SELECTs with bound parameters in the formats clients ask for', async () => {
    const client = grafanaLike(analyst);
    expect((await client.ping()).success).toBe(true);
    const rows = await (
      await client.query({
        query: 'SELECT rule_id, message, {tag:String} AS tag FROM findings WHERE session_id = {s:String} AND ts >= {from:DateTime64(3)} ORDER BY ts LIMIT {n:UInt32}',
        query_params: { s: session, tag: "o'brien \\ tab\t", from: new Date(Date.now() - 3_600_000), n: 2 },
        format: 'JSONEachRow',
      })
    ).json<{ rule_id: string; message: string; tag: string }>();
    expect(rows).toEqual([
      { rule_id: 'rule-0', message: "it's finding 0", tag: "o'brien \\ tab\t" },
      { rule_id: 'rule-1', message: "it's finding 1", tag: "o'brien \\ tab\t" },
    ]);
    const json = (await (await client.query({ query: 'SELECT count() AS n FROM findings WHERE session_id = {s:String}', query_params: { s: session }, format: 'JSON' })).json()) as unknown as {
      meta: { name: string }[];
      data: { n: string }[];
    };
    expect(json.meta.map((m) => m.name)).toEqual(['n']);
    expect(Number(json.data[0]?.n)).toBe(3);
    const tsv = await (await client.query({ query: `SELECT rule_id FROM findings WHERE session_id = '${session}' ORDER BY ts`, format: 'TabSeparated' })).text();
    expect(tsv).toBe('rule-0\nrule-1\nrule-2\n');
  });

  it('takes the token as Bearer (access_token) too, and answers gzip when asked', async () => {
    const bearer = createClient({ url, pathname: '/clickhouse', access_token: analyst, database: ch.database, compression: { response: true } });
    clients.push(bearer);
    const rows = await (await bearer.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json<{ one: number }>();
    expect(rows).toEqual([{ one: 1 }]);
    const raw = await fetch(`${url}/clickhouse/?enable_http_compression=1&query=${encodeURIComponent('SELECT 42')}`, {
      headers: { authorization: `Bearer ${analyst}`, 'accept-encoding': 'gzip' },
    });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(await raw.text()).toBe('42\n');
  });

  it('requires a token with the analyst role', async () => {
    expect((await fetch(`${url}/clickhouse/?query=SELECT%201`)).status).toBe(401);
    const enforcer = await auth.sign({ sub: 'gw', roles: ['enforcer'] });
    const e = await failure(grafanaLike(enforcer).query({ query: 'SELECT 1' }));
    expect(e.message).toMatch(/CW_FORBIDDEN|requires role analyst/);
    const key = await fetch(`${url}/clickhouse/?query=SELECT%202`, { headers: { 'x-clickhouse-user': 'grafana', 'x-clickhouse-key': analyst } });
    expect(await key.text()).toBe('2\n');
  });

  it('refuses anything but a SELECT, with ClickHouse errors, and changes nothing', async () => {
    const client = grafanaLike(analyst);
    const insert = await failure(client.command({ query: `INSERT INTO findings (finding_id) VALUES ('x')` }));
    expect(insert).toMatchObject({ code: '164', type: 'READONLY' });
    const drop = await failure(client.command({ query: 'DROP TABLE findings' }));
    expect(drop).toMatchObject({ code: '164', type: 'READONLY' });
    const multi = await failure(client.query({ query: 'SELECT 1; DROP TABLE findings' }));
    expect(multi).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    const outfile = await failure(client.query({ query: "SELECT 1 INTO OUTFILE '/tmp/chainwatch-outfile'" }));
    expect(outfile).toMatchObject({ code: '164', type: 'READONLY' });
    const setting = await failure(client.query({ query: 'SELECT 1 SETTINGS readonly = 0' }));
    expect(setting).toMatchObject({ type: 'READONLY' });
    const count = await (await ch.client.query({ query: `SELECT count() AS n FROM ${ch.database}.findings WHERE session_id = {s:String}`, query_params: { s: session }, format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(count[0]?.n)).toBe(3);
  });

  it('reads the Chainwatch database only: no other database, no system tables, no table functions, no files', async () => {
    const client = grafanaLike(analyst);
    expect(await failure(client.query({ query: `SELECT count() FROM ${other.database}.findings` }))).toMatchObject({ code: '291', type: 'DATABASE_ACCESS_DENIED' });
    expect(await failure(client.query({ query: 'SELECT name FROM system.tables' }))).toMatchObject({ code: '291' });
    expect(await failure(client.query({ query: `SELECT 1 WHERE 1 IN (SELECT 1 FROM ${other.database}.findings)` }))).toMatchObject({ code: '291' });
    expect(await failure(client.query({ query: 'SELECT * FROM numbers(10)' }))).toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
    expect(await failure(client.query({ query: "SELECT file('/etc/hostname')" }))).toMatchObject({ code: '497' });
    const otherDb = createClient({ url, pathname: '/clickhouse', username: 'g', password: analyst, database: other.database, log: { level: ClickHouseLogLevel.OFF } });
    clients.push(otherDb);
    expect(await failure(otherDb.query({ query: 'SELECT 1' }))).toMatchObject({ code: '291' });
  });

  it.runIf(hasGo)("serves Grafana's own driver: clickhouse-go (the plugin's version) over HTTP reads series and tables and is refused system tables", async () => {
    const dir = join(REPO_ROOT, 'infra', 'grafana', 'driver-check');
    const bin = join(mkdtempSync(join(tmpdir(), 'cw-driver-check-')), 'driver-check');
    const env = { ...process.env, GOTOOLCHAIN: 'local' };
    const build = spawnSync('go', ['build', '-o', bin, '.'], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
    expect(build.status, build.stderr).toBe(0);
    // Asynchronously: the endpoint answering it lives in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(bin, [url.replace(/^http:\/\//, ''), analyst, ch.database], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^ok ping$/m);
    expect(run.stdout).toMatch(/^ok table rows 3 session_id:String severity:LowCardinality\(String\) ts:DateTime64\(3, 'UTC'\) evidence_event_ids:Array\(String\)$/m);
    expect(run.stdout).toMatch(/^ok refused system\.tables$/m);
  }, 300_000);

  it("answers the Go driver's hello at the driver's revision, naming revision 0 for the blocks that follow", async () => {
    const hello = 'SELECT displayName(), version(), revision(), timezone()';
    const ask = async (extra: string) => {
      const res = await fetch(`${url}/clickhouse/?default_format=Native&database=${ch.database}${extra}`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`grafana:${analyst}`).toString('base64')}` },
        body: hello,
      });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    // clickhouse-go decodes this first answer at its own revision: block info, then per column a
    // "custom serialization" flag byte after the type.
    const block = decodeNativeBlock(await ask('&client_protocol_version=54460'), 54460);
    expect(block.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['displayName():String', 'version():String', 'revision():UInt32', 'timezone():String']);
    expect(block.columns[2]!.value).toBe(0);
    expect(block.columns[1]!.value).toMatch(/^\d+\.\d+/);
    // Without a client revision: the plain (revision 0) block.
    expect(decodeNativeBlock(await ask(''), 0).columns[2]!.value).toBe(0);
    // Later blocks are revision 0 as the engine writes them.
    const rows = await fetch(`${url}/clickhouse/?default_format=Native&client_protocol_version=54460&query=${encodeURIComponent('SELECT toUInt32(7) AS x')}`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(decodeNativeBlock(Buffer.from(await rows.arrayBuffer()), 0).columns).toEqual([{ name: 'x', type: 'UInt32', value: 7 }]);
  });
});

/** A one-row Native block of String and UInt32 columns, as clickhouse-go decodes it at `revision`. */
function decodeNativeBlock(buf: Buffer, revision: number): { columns: { name: string; type: string; value: string | number }[] } {
  let at = 0;
  const uvarint = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  const str = (): string => {
    const len = uvarint();
    const s = buf.subarray(at, at + len).toString('utf8');
    at += len;
    return s;
  };
  if (revision > 0) {
    expect(uvarint()).toBe(1);
    at += 1;
    expect(uvarint()).toBe(2);
    at += 4;
    expect(uvarint()).toBe(0);
  }
  const cols = uvarint();
  expect(uvarint()).toBe(1);
  const columns: { name: string; type: string; value: string | number }[] = [];
  for (let i = 0; i < cols; i++) {
    const name = str();
    const type = str();
    if (revision >= 54454) expect(buf[at++]).toBe(0);
    let value: string | number;
    if (type === 'UInt32') {
      value = buf.readUInt32LE(at);
      at += 4;
    } else value = str();
    columns.push({ name, type, value });
  }
  expect(at).toBe(buf.length);
  return { columns };
}
