import { readdir, readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { ROW_MAPPERS, openEmbeddedReadOnlySql, type TraceTable } from '@chainwatch/clickhouse';
import { createDetectionEngine } from '@chainwatch/core';
import { InProcessView, buildDecisionApi, createDevAuth, listenDecisionApi } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { testClickHouse, type TestClickHouse, makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from '@chainwatch/testing';
import type * as grafana from '@grafana/grafana-foundation-sdk/dashboard';
import type { ClickHouseQuery } from '../src/clickhouse-datasource';
import { CLICKHOUSE_DATASOURCE } from '../src/datasources';
import { DATASOURCE_INPUTS } from '../src/datasources';
import { allDashboards, renderDashboards } from '../src/render-dashboards';
import { percentEncode, renderGrafanaSql, unsafeVariableReferences, type GrafanaQueryContext } from './grafana-sql';

const GENERATED_DIR = fileURLToPath(new URL('../generated/', import.meta.url));
/** The ClickHouse dashboards (the service dashboard reads Prometheus; its own test is below). */
const dashboards = allDashboards().filter((d) => d.uid !== 'chainwatch-service');
type Panel = Omit<grafana.Panel, 'targets'> & { targets: ClickHouseQuery[] };
/** Panels with queries; every query of these dashboards is the plugin's SQL query. */
const panelsOf = (d: grafana.Dashboard): Panel[] => (d.panels ?? []).filter((p) => 'targets' in p && Array.isArray(p.targets)) as unknown as Panel[];
const variablesOf = (d: grafana.Dashboard): grafana.VariableModel[] => d.templating?.list ?? [];
const byUid = (uid: string): grafana.Dashboard => {
  const d = dashboards.find((x) => x.uid === uid);
  if (!d) throw new Error(`no dashboard ${uid}`);
  return d;
};
const panel = (uid: string, title: string): Panel => {
  const p = panelsOf(byUid(uid)).find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}" in ${uid}`);
  return p;
};
const target = (uid: string, title: string, refId = 'A'): ClickHouseQuery => {
  const t = panel(uid, title).targets.find((x) => x.refId === refId);
  if (!t) throw new Error(`no target ${refId} in "${title}"`);
  return t;
};

/** Every SQL text of every dashboard: panel targets and variable queries. */
const allQueries = dashboards.flatMap((d) => [
  ...panelsOf(d).flatMap((p) => p.targets.map((t) => ({ where: `${d.uid} / ${p.title ?? ''} / ${t.refId}`, sql: t.rawSql }))),
  ...variablesOf(d).flatMap((v) => (v.type === 'query' ? [{ where: `${d.uid} / $${v.name}`, sql: String(v.query) }] : [])),
]);

describe('generated dashboards', () => {
  it('dashboards/generated matches the TypeScript definitions (run npm run generate -w dashboards)', async () => {
    const rendered = renderDashboards();
    const files = (await readdir(GENERATED_DIR, { recursive: true })).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(rendered.map((r) => r.file).sort());
    for (const { file, json } of rendered) {
      expect(await readFile(`${GENERATED_DIR}${file}`, 'utf8'), file).toBe(json);
      expect(json.endsWith('}\n')).toBe(true);
    }
  });

  it('renders the same bytes twice (stable key order)', () => {
    expect(renderDashboards()).toEqual(renderDashboards());
  });

  it('gives every dashboard a unique uid and every panel a unique id and the ClickHouse datasource', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      const panels = panelsOf(d);
      expect(panels.length, d.uid).toBe(d.panels?.length);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      for (const p of panels) {
        expect(p.datasource, `${d.uid} / ${p.title}`).toEqual(CLICKHOUSE_DATASOURCE);
        expect(p.targets.length, `${d.uid} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets) expect(t.datasource).toEqual(CLICKHOUSE_DATASOURCE);
        expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
        expect((p.gridPos?.x ?? 0) + (p.gridPos?.w ?? 0), `${d.uid} / ${p.title}`).toBeLessThanOrEqual(24);
      }
      const titles = panels.map((p) => p.title);
      expect(new Set(titles).size, `${d.uid} panel titles`).toBe(titles.length);
      for (const v of variablesOf(d)) if (v.type === 'query') expect(v.datasource).toEqual(CLICKHOUSE_DATASOURCE);
    }
  });

  it('has only read-only single-statement queries that reference variables injection-safely', () => {
    expect(allQueries.length).toBeGreaterThan(20);
    for (const { where, sql } of allQueries) {
      expect(sql, where).toMatch(/^\s*(SELECT|WITH)\b/);
      expect(sql, where).not.toContain(';');
      expect(sql, where).not.toMatch(/\b(INSERT|ALTER|DROP|TRUNCATE|CREATE|RENAME|OPTIMIZE|SYSTEM|KILL|GRANT)\b/);
      expect(unsafeVariableReferences(sql), where).toEqual([]);
    }
  });

  it('flags variable references that bypass percentencode', () => {
    expect(unsafeVariableReferences("WHERE a = '$session_id' AND b = '${trace_id}' AND c = ${rule:sqlstring}")).toEqual([
      '$session_id',
      '${trace_id}',
      '${rule:sqlstring}',
    ]);
    expect(unsafeVariableReferences("WHERE $__timeFilter(ts) AND a = decodeURLComponent('${session_id:percentencode}')")).toEqual([]);
  });

  it('uses the per-minute aggregate tables for the overview time series', () => {
    expect(target('chainwatch-overview', 'Actions per minute by agent type').rawSql).toContain('FROM actions_per_minute');
    expect(target('chainwatch-overview', 'Findings per minute by detector').rawSql).toContain('FROM findings_per_minute');
    expect(target('chainwatch-overview', 'Decisions by outcome').rawSql).toContain('FROM decisions_per_minute');
  });

  it('imports into any Grafana: every datasource is an __inputs entry, referenced as ${DS_...}, no uid hard-coded', async () => {
    for (const { file, json } of renderDashboards().filter((r) => !r.file.startsWith('provisioning/'))) {
      const d = JSON.parse(json) as { __inputs: { name: string; type: string; pluginId: string }[]; __requires: { type: string; id: string }[] };
      const refs = [...json.matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]!).filter((uid) => !uid.startsWith('chainwatch-') || uid.includes('$'));
      const datasourceUids = [...json.matchAll(/"datasource": \{\s*"type": "[^"]+",\s*"uid": "([^"]+)"/g)].map((m) => m[1]!);
      expect(datasourceUids.length, file).toBeGreaterThan(0);
      // Every datasource reference is an input placeholder...
      for (const uid of datasourceUids) expect(uid, file).toMatch(/^\$\{DS_[A-Z_]+\}$/);
      // ...every placeholder is declared as an input of the right plugin, and every input is used.
      const used = new Set(datasourceUids.map((u) => u.slice(2, -1)));
      expect(d.__inputs.map((i) => i.name).sort(), file).toEqual([...used].sort());
      for (const input of d.__inputs) {
        expect(input.type).toBe('datasource');
        expect(d.__requires).toContainEqual(expect.objectContaining({ type: 'datasource', id: input.pluginId }));
      }
      expect(refs.every((r) => r.startsWith('${DS_') || /^chainwatch-[a-z]+$/.test(r)), file).toBe(true);
      // What Grafana's import does: substitute the chosen datasource for each input. Nothing is left unresolved.
      let imported = json;
      for (const input of d.__inputs) imported = imported.replaceAll(`\${${input.name}}`, `picked-${input.pluginId}`);
      expect(imported, file).not.toMatch(/\$\{DS_/);
    }
  });

  it('binds the provisioning copies to the datasources infra/grafana provisions', async () => {
    const provisionedUids = new Set<string>();
    const dir = fileURLToPath(new URL('../../infra/grafana/provisioning/datasources/', import.meta.url));
    for (const f of await readdir(dir)) {
      const y = parseYaml(await readFile(`${dir}${f}`, 'utf8')) as { datasources: { uid: string; type: string }[] };
      for (const ds of y.datasources) provisionedUids.add(`${ds.type}/${ds.uid}`);
    }
    for (const input of DATASOURCE_INPUTS) expect(provisionedUids).toContain(`${input.pluginId}/${input.provisionedUid}`);
    for (const { file, json } of renderDashboards().filter((r) => r.file.startsWith('provisioning/'))) {
      expect(json, file).not.toContain('${DS_');
      expect(json, file).not.toContain('__inputs');
      for (const m of json.matchAll(/"datasource": \{\s*"type": "([^"]+)",\s*"uid": "([^"]+)"/g)) expect(provisionedUids, file).toContain(`${m[1]}/${m[2]}`);
    }
  });

  it('describes every panel of every dashboard in docs/dashboards.md', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/dashboards.md', import.meta.url)), 'utf8');
    const missing = allDashboards().flatMap((d) => (d.panels ?? []).map((p) => p.title ?? '').filter((t) => !doc.includes(`**${t}**`)));
    expect(missing).toEqual([]);
  });

  it('feeds the delegation graph a nodes frame and an edges frame', () => {
    const graph = panel('chainwatch-investigation', 'Delegation graph of the trace');
    expect(graph.type).toBe('nodeGraph');
    expect(graph.targets.map((t) => t.refId)).toEqual(['nodes', 'edges']);
  });
});

describe('dashboard queries against the migrated schema', () => {
  let ch: TestClickHouse;
  let reader: ClickHouseClient;
  const now = Date.now();
  const minutesAgo = (m: number) => now - m * 60_000;
  const ctx = (variables: GrafanaQueryContext['variables'] = {}): GrafanaQueryContext => ({
    from: now - 6 * 3600_000,
    to: now + 60_000,
    intervalSeconds: 60,
    variables: { session_id: 'sess-worker', trace_id: { all: '*' }, rule: { all: '*' }, level: 'low', ...variables },
  });
  const run = async <T = Record<string, unknown>>(sql: string, context: GrafanaQueryContext = ctx()): Promise<T[]> => {
    const rs = await reader.query({ query: renderGrafanaSql(sql, context), format: 'JSONEachRow' });
    return rs.json<T>();
  };
  let token = 0;
  const insert = async (table: TraceTable, records: readonly unknown[]) => {
    await ch.client.insert({
      table: `${ch.database}.${table}`,
      values: records.map((r) => ROW_MAPPERS[table](r)),
      format: 'JSONEachRow',
      // The embedded engine keeps settings per session: each insert needs its own token.
      clickhouse_settings: { insert_deduplication_token: `dashboards-test-${table}-${++token}` },
    });
  };

  beforeAll(async () => {
    ch = await testClickHouse();
    // Dashboards use unqualified table names (the datasource's default database). The embedded
    // engine keeps USE for its session; a server over HTTP needs a client bound to the database.
    if (ch.mode === 'embedded') {
      await ch.client.command({ query: `USE \`${ch.database}\`` });
      reader = ch.client;
    } else {
      reader = createClient({
        url: process.env.CLICKHOUSE_URL,
        username: process.env.CLICKHOUSE_USER ?? 'default',
        password: process.env.CLICKHOUSE_PASSWORD ?? '',
        database: ch.database,
      });
    }

    // Trace "trace-a": a planner session delegates to a worker, which reads secrets and mails them out.
    const planner = { id: 'agent-planner-1', type: 'planner', spiffe_id: 'spiffe://example.org/ns/agents/sa/planner' };
    const worker = { id: 'agent-worker-7', type: 'worker', spiffe_id: 'spiffe://example.org/ns/agents/sa/worker' };
    const delegation = makeEvent({
      ts: minutesAgo(30),
      session_id: 'sess-planner',
      trace_id: 'trace-a',
      agent: planner,
      action: { kind: 'delegation', tool: 'agent.delegate', operation: 'delegate', target_session_id: 'sess-worker' },
    });
    await insert('agent_actions', [
      makeEvent({ ts: minutesAgo(31), session_id: 'sess-planner', trace_id: 'trace-a', agent: planner }),
      delegation,
      makeEvent({
        ts: minutesAgo(29),
        session_id: 'sess-worker',
        trace_id: 'trace-a',
        parent_session_id: 'sess-planner',
        agent: worker,
        action: { tool: 'vault.read', resource: 'secret://payroll', data_class: 'secret' },
      }),
      makeEvent({
        ts: minutesAgo(28),
        session_id: 'sess-worker',
        trace_id: 'trace-a',
        parent_session_id: 'sess-planner',
        agent: worker,
        action: { tool: 'mail.send', operation: 'send', resource: 'mailto:x@evil.example', destination: 'evil.example', data_class: 'secret' },
        outcome: 'denied',
      }),
      // An unrelated session in another trace.
      makeEvent({ ts: minutesAgo(10), session_id: 'sess-other', trace_id: 'trace-b', agent: planner }),
    ]);
    await insert('findings', [
      makeFinding({ ts: minutesAgo(28), session_id: 'sess-worker', trace_id: 'trace-a', agent_type: 'worker', rule_id: 'source_to_sink', severity: 'critical' }),
      makeFinding({ ts: minutesAgo(28), session_id: 'sess-worker', trace_id: 'trace-a', agent_type: 'worker', detector: 'scope_drift', rule_id: 'new_destination', severity: 'medium' }),
      makeFinding({ ts: minutesAgo(9), session_id: 'sess-other', trace_id: 'trace-b', detector: 'scope_drift', rule_id: 'new_destination', severity: 'low' }),
    ]);
    await insert('risk_signals', [
      makeRiskSignal({ ts: minutesAgo(30), seq: 1, session_id: 'sess-planner', trace_id: 'trace-a', score: 12, level: 'low', decision: 'allow' }),
      makeRiskSignal({ ts: minutesAgo(29), seq: 1, session_id: 'sess-worker', trace_id: 'trace-a', agent_id: worker.id, agent_type: 'worker', score: 75, level: 'high', decision: 'step_up' }),
      makeRiskSignal({ ts: minutesAgo(28), seq: 2, session_id: 'sess-worker', trace_id: 'trace-a', agent_id: worker.id, agent_type: 'worker', score: 93.5, level: 'critical', decision: 'deny' }),
      // Was critical, has since calmed down: must not be listed as currently high/critical.
      makeRiskSignal({ ts: minutesAgo(12), seq: 1, session_id: 'sess-other', trace_id: 'trace-b', score: 91, level: 'critical', decision: 'deny' }),
      makeRiskSignal({ ts: minutesAgo(9), seq: 2, session_id: 'sess-other', trace_id: 'trace-b', score: 20, level: 'low', decision: 'allow' }),
    ]);
    await insert('decisions', [
      makeDecisionRecord({ ts: minutesAgo(28), session_id: 'sess-worker', trace_id: 'trace-a', agent_id: worker.id, decision: 'deny', enforced: 'deny' }),
      makeDecisionRecord({ ts: minutesAgo(27), session_id: 'sess-worker', trace_id: 'trace-a', agent_id: worker.id, decision: 'deny', enforced: 'allow', shadow: true }),
      makeDecisionRecord({ ts: minutesAgo(9), session_id: 'sess-other', trace_id: 'trace-b', decision: 'allow', enforced: 'allow', level: 'low', score: 20, stale: 'fail_open', view_age_ms: 4000 }),
    ]);
  });

  afterAll(async () => {
    if (reader && reader !== ch.client) await reader.close();
    await ch?.close();
  });

  it('runs every panel and variable query (tables and columns exist, SQL is valid)', async () => {
    const failures: string[] = [];
    for (const { where, sql } of allQueries) {
      try {
        await run(sql);
      } catch (err) {
        failures.push(`${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.runIf(!process.env.CLICKHOUSE_URL)('answers every panel and variable query through the read-only ClickHouse endpoint of npm start, as Grafana would ask', async () => {
    // The quick start: Grafana's ClickHouse datasource pointed at /clickhouse of `chainwatch start`.
    const engineReader = openEmbeddedReadOnlySql(`${process.env.CHAINWATCH_TEST_DATA_DIR}/clickhouse`, ch.database);
    const auth = await createDevAuth();
    const api = await buildDecisionApi({
      view: new InProcessView(createDetectionEngine(), { caughtUp: () => true }),
      publisher: new MemoryLog(),
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      clickhouseHttp: { reader: engineReader },
      logger: createLogger({ name: 'dashboards-test', level: 'silent' }),
    });
    const url = await listenDecisionApi(api, { host: '127.0.0.1', port: 0 });
    const grafana = createClient({ url, pathname: '/clickhouse', username: 'grafana', password: await auth.sign({ sub: 'grafana', roles: ['analyst'] }), database: ch.database });
    try {
      const failures: string[] = [];
      for (const { where, sql } of allQueries) {
        try {
          const direct = await run(sql);
          const viaEndpoint = await (await grafana.query({ query: renderGrafanaSql(sql, ctx()), format: 'JSONEachRow' })).json();
          // Same rows (order of UNION ALL parts and "seconds since now" aside).
          const normal = (rows: unknown[]) =>
            rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r as object).filter(([k]) => k !== 'since_last_write')))).sort();
          expect(normal(viaEndpoint), where).toEqual(normal(direct));
        } catch (err) {
          failures.push(`${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await grafana.close();
      await api.app.close();
      await engineReader.close();
    }
  });

  it('would catch a query on a column or table the migrations do not create', async () => {
    await expect(run('SELECT no_such_column FROM agent_actions WHERE $__timeFilter(ts)')).rejects.toThrow();
    await expect(run('SELECT count() FROM no_such_table WHERE $__timeFilter(ts)')).rejects.toThrow();
  });

  it('lists only sessions whose latest signal is high or critical', async () => {
    const rows = await run<{ session_id: string; trace_id: string; level: string; score: number; rules: string }>(
      target('chainwatch-overview', 'Sessions at high / critical risk').rawSql,
    );
    expect(rows.map((r) => r.session_id)).toEqual(['sess-worker']);
    expect(rows[0]).toMatchObject({ trace_id: 'trace-a', level: 'critical', score: 93.5, rules: 'source_to_sink' });
    const [count] = await run<{ sessions: number | string }>(target('chainwatch-overview', 'High / critical sessions').rawSql);
    expect(Number(count?.sessions)).toBe(1);
  });

  it('counts actions per agent type and tools from the aggregates', async () => {
    const series = await run<{ agent_type: string; actions_per_min: number }>(target('chainwatch-overview', 'Actions per minute by agent type').rawSql);
    const total = (type: string) => series.filter((s) => s.agent_type === type).reduce((sum, s) => sum + Number(s.actions_per_min), 0);
    expect(total('planner')).toBe(3);
    expect(total('worker')).toBe(2);
    const tools = await run<{ tool: string; actions: string }>(target('chainwatch-overview', 'Top tools').rawSql);
    expect(tools[0]?.tool).toBe('docs.search');
    expect(Number(tools[0]?.actions)).toBe(2);
    expect(tools.map((t) => t.tool).sort()).toEqual(['agent.delegate', 'docs.search', 'mail.send', 'vault.read']);
  });

  it('splits decisions by enforced outcome and shadow mode', async () => {
    const rows = await run<{ outcome: string; decisions: string }>(target('chainwatch-overview', 'Decisions by outcome').rawSql);
    const sum = (o: string) => rows.filter((r) => r.outcome === o).reduce((s, r) => s + Number(r.decisions), 0);
    expect(sum('deny')).toBe(1);
    expect(sum('deny (shadow)')).toBe(1);
    expect(sum('allow')).toBe(1);
  });

  it('draws the delegation graph of the selected session\'s trace, with every edge end a node', async () => {
    const nodes = await run<{ id: string; title: string; subTitle: string; mainStat: number | null; secondaryStat: string; arc__critical: number }>(
      target('chainwatch-investigation', 'Delegation graph of the trace', 'nodes').rawSql,
    );
    const edges = await run<{ id: string; source: string; target: string }>(target('chainwatch-investigation', 'Delegation graph of the trace', 'edges').rawSql);
    expect(nodes.map((n) => n.id)).toEqual(['sess-planner', 'sess-worker']);
    expect(nodes[1]).toMatchObject({ title: 'worker', subTitle: 'agent-worker-7', mainStat: 93.5, secondaryStat: 'critical', arc__critical: 1 });
    expect(nodes[0]).toMatchObject({ title: 'planner', mainStat: 12, secondaryStat: 'low' });
    // parent_session_id and the delegation action describe the same edge: drawn once.
    expect(edges).toEqual([{ id: 'sess-planner -> sess-worker', source: 'sess-planner', target: 'sess-worker' }]);

    const explicit = ctx({ trace_id: 'trace-b' });
    const other = await run<{ id: string }>(target('chainwatch-investigation', 'Delegation graph of the trace', 'nodes').rawSql, explicit);
    expect(other.map((n) => n.id)).toEqual(['sess-other']);
  });

  it('shows the latest risk of the selected session', async () => {
    const first = async (title: string) => (await run(target('chainwatch-investigation', title).rawSql))[0];
    expect(await first('Risk score')).toEqual({ score: 93.5 });
    expect(await first('Level')).toEqual({ level: 'critical' });
    expect(await first('Recommended decision')).toEqual({ decision: 'deny' });
    expect(Number((await first('Actions'))?.actions)).toBe(2);
    expect(Number((await first('Findings'))?.findings)).toBe(2);
    // No signal in range: no row, so the stat shows "No data" rather than a fake 0.
    expect(await run(target('chainwatch-investigation', 'Risk score').rawSql, ctx({ session_id: 'sess-unknown' }))).toEqual([]);
  });

  it('builds the session timeline from actions, findings, signals and decisions in time order', async () => {
    const rows = await run<{ time: string; kind: string; name: string; result: string }>(target('chainwatch-investigation', 'Session timeline').rawSql);
    expect(rows.map((r) => r.kind)).toEqual([
      'action', 'signal', 'action', 'decision:decision', 'finding', 'finding', 'signal', 'decision:decision',
    ]);
    const times = rows.map((r) => r.time);
    expect([...times].sort()).toEqual(times);
    expect(rows.find((r) => r.kind === 'action' && r.name === 'mail.send')?.result).toBe('denied');
  });

  it('filters findings by rule and minimum severity', async () => {
    const sql = target('chainwatch-investigation', 'Findings search (all sessions)').rawSql;
    const all = await run<{ rule_id: string; severity: string }>(sql);
    expect(all).toHaveLength(3);
    const byRule = await run<{ rule_id: string }>(sql, ctx({ rule: 'new_destination' }));
    expect(byRule.map((r) => r.rule_id)).toEqual(['new_destination', 'new_destination']);
    const severe = await run<{ severity: string }>(sql, ctx({ level: 'medium' }));
    expect(severe.map((r) => r.severity).sort()).toEqual(['critical', 'medium']);
    const both = await run<{ severity: string }>(sql, ctx({ rule: 'new_destination', level: 'high' }));
    expect(both).toEqual([]);
  });

  it('treats hostile variable values as data, not SQL', async () => {
    const hostile = "x\\' OR 1=1 OR session_id != '";
    expect(percentEncode(hostile)).toMatch(/^[A-Za-z0-9._~%-]+$/);
    const rows = await run(target('chainwatch-investigation', 'Session timeline').rawSql, ctx({ session_id: hostile }));
    expect(rows).toEqual([]);
    const unicode = await run(target('chainwatch-investigation', 'Session timeline').rawSql, ctx({ session_id: 'sess-wörker ✓' }));
    expect(unicode).toEqual([]);
  });

  it('reports freshness and write lag per stream', async () => {
    const fresh = await run<{ stream: string; rows: string }>(target('chainwatch-pipeline', 'Freshness by table').rawSql);
    expect(Object.fromEntries(fresh.map((r) => [r.stream, Number(r.rows)]))).toEqual({ agent_actions: 5, findings: 3, risk_signals: 5, decisions: 3 });
    const lag = await run<{ stream: string; p95: number }>(target('chainwatch-pipeline', 'Write lag by stream').rawSql);
    // Rows were written now for events up to 31 minutes old.
    const actions = lag.find((r) => r.stream === 'agent_actions');
    expect(Number(actions?.p95)).toBeGreaterThan(27 * 60_000);
    const stale = await run<{ fail_open: string }>(target('chainwatch-pipeline', 'Stale-view and shadow decisions').rawSql);
    expect(stale.reduce((s, r) => s + Number(r.fail_open), 0)).toBe(1);
  });
});
