/**
 * Fault suite, all-in-one mode: `chainwatch start` is SIGKILLed while batches are being ingested,
 * then started again on the same data directory. Every acknowledged event must be stored exactly
 * once, and every session's state (risk, approvals) must be back by the time /readyz says 200:
 * the same decision request answers the same before and after the crash. Poison lines sent
 * before the crash are rejected one by one and block nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@chainwatch/clickhouse';
import { DecisionResponse, type AgentActionEvent, type DecisionRequest } from '@chainwatch/schemas';
import { REPO_ROOT } from '../cli/run-cli';
import { makeEvent } from '@chainwatch/testing';
import { IngestLoad } from './ingest-load';
import { auth, kill9, startChainwatch, terminate, waitForStatus, type RunningChainwatch } from './chainwatch-process';

const dataDir = mkdtempSync(join(tmpdir(), 'cw-fault-start-'));
const running: RunningChainwatch[] = [];
afterAll(async () => {
  for (const r of running) await kill9(r);
  rmSync(dataDir, { recursive: true, force: true });
});

const FILES_AGENT = { id: 'agent-files-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
// No declared scopes: the task's words decide, and they asked only for information.
const READ_ONLY_TASK = { id: 'task-ro', intent: 'summarise my project files', scopes: [] as string[] };

async function postEvents(cw: RunningChainwatch, lines: readonly string[]): Promise<{ status: number; body: { accepted: number; rejected: { line: number; error: string }[] } }> {
  const res = await fetch(`${cw.url}/v1/events`, { method: 'POST', headers: { ...auth(cw.token), 'content-type': 'application/x-ndjson' }, body: lines.join('\n') });
  return { status: res.status, body: (await res.json()) as { accepted: number; rejected: { line: number; error: string }[] } };
}

async function decide(cw: RunningChainwatch, request: DecisionRequest): Promise<DecisionResponse> {
  const res = await fetch(`${cw.url}/v1/decisions`, { method: 'POST', headers: { ...auth(cw.token), 'content-type': 'application/json' }, body: JSON.stringify(request) });
  expect(res.status).toBe(200);
  return DecisionResponse.parse(await res.json());
}

async function risk(cw: RunningChainwatch, sessionId: string): Promise<{ status: number; body: { seq?: number; level?: string; score?: number } }> {
  const res = await fetch(`${cw.url}/v1/sessions/${encodeURIComponent(sessionId)}/risk`, { headers: auth(cw.token) });
  return { status: res.status, body: (await res.json()) as { seq?: number; level?: string; score?: number } };
}

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A decision request that sends the session's data to a file-assistant's manager: step_up after a read. */
function send(sessionId: string, extra: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    session_id: sessionId,
    trace_id: `trace-${sessionId}`,
    agent: FILES_AGENT,
    principal: { sub: 'user:alice', act: [] },
    task: READ_ONLY_TASK,
    action: { kind: 'tool_call', tool: 'send_email', args: { to: 'manager@example.org', subject: 'summary', body: 'the summary' } },
    ...extra,
  };
}

/** Poison lines (a lone surrogate, 10,000-deep arguments) are rejected alone; the good line of their batch is kept and returned. */
async function expectPoisonRejected(cw: RunningChainwatch): Promise<AgentActionEvent> {
  const poisonSession = `sess-poison-${randomUUID()}`;
  const good = makeEvent({ session_id: poisonSession, trace_id: `trace-${poisonSession}` });
  const surrogate = JSON.stringify({ ...makeEvent(), session_id: 'sess-\ud800' });
  const deep = JSON.stringify({ ...makeEvent(), action: { kind: 'tool_call', tool: 't', args: {} } }).replace('"args":{}', `"args":${'{"k":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
  const poison = await postEvents(cw, [surrogate, JSON.stringify(good), deep]);
  expect(poison.status).toBe(200);
  expect(poison.body.accepted).toBe(1);
  expect(poison.body.rejected.map((r) => [r.line, /well-formed|nest at most/.test(r.error)])).toEqual([
    [1, true],
    [3, true],
  ]);
  const badDecision = await fetch(`${cw.url}/v1/decisions`, { method: 'POST', headers: { ...auth(cw.token), 'content-type': 'application/json' }, body: JSON.stringify(send('sess-\udc00')) });
  expect(badDecision.status).toBe(400);
  return good;
}

/** Every acknowledged event stored, once; no finding twice; the writer stored every finding the log holds. */
async function expectStoredOnce(acked: ReadonlyMap<string, string>, note: string): Promise<void> {
  const ch = await openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(dataDir, 'clickhouse'), ttlDays: 30 });
  try {
    const one = async (sql: string, params: Record<string, unknown> = {}): Promise<number> => {
      const rows = await (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<{ n: string | number }>();
      return Number(rows[0]?.n ?? 0);
    };
    const ids = [...acked.keys()];
    const storedAcked = await one('SELECT uniqExact(event_id) AS n FROM chainwatch.agent_actions WHERE event_id IN {ids:Array(UUID)}', { ids });
    const rows = await one('SELECT count() AS n FROM chainwatch.agent_actions');
    const distinct = await one('SELECT uniqExact(event_id) AS n FROM chainwatch.agent_actions');
    const findings = await one('SELECT count() AS n FROM chainwatch.findings');
    const distinctFindings = await one('SELECT uniqExact(finding_id) AS n FROM chainwatch.findings');
    const loggedFindings = await one(`SELECT uniqExact(JSONExtractString(value, 'finding_id')) AS n FROM chainwatch.log_records WHERE topic = 'chainwatch.findings'`);
    console.log(
      `[fault start-crash] acknowledged ${acked.size}, stored ${storedAcked} of them (lost ${acked.size - storedAcked}); rows ${rows}, distinct ${distinct}; ` +
        `findings ${findings} rows / ${distinctFindings} distinct / ${loggedFindings} in the log; ${note}`,
    );
    expect(storedAcked).toBe(acked.size);
    expect(rows).toBe(distinct);
    expect(findings).toBe(distinctFindings);
    expect(distinctFindings).toBe(loggedFindings);
    expect(findings).toBeGreaterThan(0);
  } finally {
    await ch.close();
  }
}

describe('chainwatch start: kill -9 mid-stream, restart', () => {
  it('stores every acknowledged event exactly once and restores every session before /readyz is 200', async () => {
    let cw = await startChainwatch(dataDir);
    running.push(cw);
    await waitForStatus(`${cw.url}/readyz`, 200);

    // Poison lines: each rejected with its reason, the good lines of the same batch kept.
    const good = await expectPoisonRejected(cw);

    // A session the engine denies (README example): a confidential read, then a send outside.
    const full = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/fixtures/agent-action/v1/valid/full.json'), 'utf8')) as Record<string, unknown>;
    const denySession = `sess-deny-${randomUUID()}`;
    expect((await postEvents(cw, [JSON.stringify({ ...full, event_id: randomUUID(), ts: Date.now(), session_id: denySession })])).status).toBe(200);
    const denyRequest: DecisionRequest = {
      session_id: denySession,
      agent: { id: 'agent-support-1', type: 'support-assistant' },
      principal: { sub: 'user:alice', act: [] },
      action: { kind: 'tool_call', tool: 'send_email', args: { to: 'someone@elsewhere.example', body: 'the tickets' } },
    };
    const riskBefore = await until(async () => {
      const r = await risk(cw, denySession);
      return r.status === 200 ? r.body : undefined;
    }, 30_000, 'risk of the deny session');
    const before = await decide(cw, denyRequest);
    expect(before.decision).toBe('deny');

    // Approvals: one step-up approved, one left pending.
    const approved = `sess-appr-${randomUUID()}`;
    const pending = `sess-pend-${randomUUID()}`;
    for (const s of [approved, pending]) {
      const read = makeEvent({ session_id: s, trace_id: `trace-${s}`, agent: FILES_AGENT, task: READ_ONLY_TASK, action: { kind: 'tool_call', tool: 'list_files', operation: 'read', data_class: 'internal', args: { folder: 'projects' } } });
      expect((await postEvents(cw, [JSON.stringify(read)])).status).toBe(200);
      await until(async () => (await risk(cw, s)).status === 200, 30_000, `risk of ${s}`);
    }
    const stepUp = await decide(cw, send(approved));
    expect(stepUp.decision).toBe('step_up');
    const bindingA = stepUp.obligations.approval!.binding;
    const answer = await fetch(`${cw.url}/v1/approvals/${bindingA}`, { method: 'POST', headers: { ...auth(cw.approverToken), 'content-type': 'application/json' }, body: JSON.stringify({ approve: true }) });
    expect(answer.status).toBe(200);
    const stepUpP = await decide(cw, send(pending));
    expect(stepUpP.decision).toBe('step_up');
    const bindingP = stepUpP.obligations.approval!.binding;

    // Load, then kill -9 in the middle of it.
    const load = new IngestLoad({ url: cw.url, token: cw.token, seed: `start-crash-${randomUUID()}`, senders: 4, batchSize: 25 });
    load.start();
    await until(async () => load.acked.size >= 1500, 120_000, '1500 events acknowledged');
    await kill9(cw);
    await load.stop();
    const acked = new Map(load.acked);
    acked.set(good.event_id, good.session_id);

    // Restart on the same data directory.
    cw = await startChainwatch(dataDir);
    running.push(cw);
    const readyAfterMs = await waitForStatus(`${cw.url}/readyz`, 200);

    // At readiness, every session is back: same answer, same level, no reset.
    const after = await decide(cw, denyRequest);
    expect(after.decision).toBe(before.decision);
    expect(after.stale).toBeNull();
    const riskAfter = await risk(cw, denySession);
    expect(riskAfter.status).toBe(200);
    expect(riskAfter.body.level).toBe(riskBefore.level);
    const perSession = load.ackedPerSession();
    let checked = 0;
    for (const [session, n] of perSession) {
      const r = await risk(cw, session);
      expect(r.status, session).toBe(200);
      expect(r.body.seq ?? 0, `${session}: ${n} acknowledged`).toBeGreaterThanOrEqual(n);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);

    // Approvals: the approved binding unlocks its action, the pending one can still be answered.
    const retried = await decide(cw, send(approved, { approval_binding: bindingA }));
    expect(retried.decision).toBe('allow');
    expect(retried.reasons[0]?.rule_id).toBe('approval.granted');
    const lateAnswer = await fetch(`${cw.url}/v1/approvals/${bindingP}`, { method: 'POST', headers: { ...auth(cw.approverToken), 'content-type': 'application/json' }, body: JSON.stringify({ approve: false }) });
    expect(lateAnswer.status).toBe(200);

    // The writer catches up: nothing left in the log for it.
    await until(async () => {
      const metrics = await (await fetch(`${cw.url}/metrics`)).text();
      const backlog = [...metrics.matchAll(/^chainwatch_local_log_backlog_records\{group="trace-writer",topic="[^"]+"\} (\d+)/gm)].map((m) => Number(m[1]));
      return backlog.length > 0 && backlog.every((n) => n === 0);
    }, 120_000, 'the trace writer caught up');
    const stopped = await terminate(cw);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);

    // Count: every acknowledged event stored, once; no finding twice; the writer stored every finding the log holds.
    await expectStoredOnce(acked, `ready ${readyAfterMs} ms after restart; ${checked} sessions checked`);
  }, 600_000);
});
