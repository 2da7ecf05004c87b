import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { ROW_MAPPERS, type TraceTable } from '@chainwatch/clickhouse';
import { testClickHouse, type TestClickHouse } from '../../test/fixtures/clickhouse';
import { makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from '../../test/fixtures/events';
import { CLICKHOUSE_DATASOURCE } from '../src/clickhouse-datasource';
import type { ClickHouseTarget, Dashboard } from '../src/grafana-model';
import { allDashboards, renderDashboards } from '../src/render-dashboards';
import { percentEncode, renderGrafanaSql, unsafeVariableReferences, type GrafanaQueryContext } from './grafana-sql';

const GENERATED_DIR = fileURLToPath(new URL('../generated/', import.meta.url));
const dashboards = allDashboards();
const byUid = (uid: string): Dashboard => {
  const d = dashboards.find((x) => x.uid === uid);
  if (!d) throw new Error(`no dashboard ${uid}`);
  return d;
};
const panel = (uid: string, title: string) => {
  const p = byUid(uid).panels.find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}" in ${uid}`);
  return p;
};
const target = (uid: string, title: string, refId = 'A'): ClickHouseTarget => {
  const t = panel(uid, title).targets.find((x) => x.refId === refId);
  if (!t) throw new Error(`no target ${refId} in "${title}"`);
  return t;
};

/** Every SQL text of every dashboard: panel targets and variable queries. */
const allQueries = dashboards.flatMap((d) => [
  ...d.panels.flatMap((p) => p.targets.map((t) => ({ where: `${d.uid} / ${p.title} / ${t.refId}`, sql: t.rawSql }))),
  ...d.templating.list.flatMap((v) => (v.type === 'query' ? [{ where: `${d.uid} / $${v.name}`, sql: v.query }] : [])),
]);

describe('generated dashboards', () => {
  it('dashboards/generated matches the TypeScript definitions (run npm run generate -w dashboards)', async () => {
    const rendered = renderDashboards();
    const files = (await readdir(GENERATED_DIR)).filter((f) => f.endsWith('.json')).sort();
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
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      for (const p of d.panels) {
        expect(p.datasource.uid, `${d.uid} / ${p.title}`).toBe('chainwatch-clickhouse');
        expect(p.targets.length, `${d.uid} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets) expect(t.datasource).toEqual(CLICKHOUSE_DATASOURCE);
        expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
        expect(p.gridPos.x + p.gridPos.w, `${d.uid} / ${p.title}`).toBeLessThanOrEqual(24);
      }
      const titles = d.panels.map((p) => p.title);
      expect(new Set(titles).size, `${d.uid} panel titles`).toBe(titles.length);
      for (const v of d.templating.list) if (v.type === 'query') expect(v.datasource.uid).toBe('chainwatch-clickhouse');
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
