import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { DecisionResponse, type RiskSignal } from '@chainwatch/schemas';
import { KafkaSignalView, buildDecisionApi, catalogSensitivity, createDevAuth, type DecisionApi, type DecisionApiOptions } from '@chainwatch/decision-api';
import { createTestTopic, produceJson, randomName, testKafka, waitFor } from '@chainwatch/testing';
import { bearer } from './harness';
import { realEngine } from './real-engine';
import { benignRead, confidentialRead, exfiltration } from './scenario';

const logger = createLogger({ name: 'decision-api-kafka-test', level: process.env.LOG_LEVEL ?? 'silent' });
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startView(topic: string, checkIntervalMs = 100) {
  const { engine, catalog } = realEngine();
  const view = new KafkaSignalView({ kafka: testKafka(), engine, topic, logger, checkIntervalMs });
  cleanup.push(() => view.close());
  await view.start();
  return { view, catalog };
}

async function startApi(view: KafkaSignalView, catalog: Parameters<typeof catalogSensitivity>[0], options: DecisionApiOptions = {}) {
  const auth = await createDevAuth();
  const api: DecisionApi = await buildDecisionApi({
    view,
    publisher: new MemoryLog(),
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    options: { isSensitive: catalogSensitivity(catalog), ...options },
    logger,
  });
  cleanup.push(() => api.app.close());
  const decide = async (body: object) => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(auth.token), payload: body });
    expect(res.statusCode).toBe(200);
    return DecisionResponse.parse(res.json());
  };
  return { api, auth, decide };
}

/** A signal computed by the real engine's observe(), as the session processor publishes it. */
function processedSignal(sessionId: string): RiskSignal {
  return processed(sessionId).signal;
}

function processed(sessionId: string): { signal: RiskSignal; eventId: string } {
  const { engine } = realEngine();
  const event = confidentialRead(sessionId);
  return { signal: engine.observe(event).signal, eventId: event.event_id };
}

describe('live view over Kafka (compacted chainwatch.risk-signals)', () => {
  it('is ready only once caught up with what the topic held at start, and loads it', async () => {
    const topic = await createTestTopic({ prefix: 'risk-signals', partitions: 3, config: { 'cleanup.policy': 'compact' } });
    const sessions = ['s-pre-1', 's-pre-2', 's-pre-3', 's-pre-4'].map((s) => randomName(s));
    await produceJson(topic, sessions.map((s) => ({ key: s, value: processedSignal(s) })));
    const { view, catalog } = await startView(topic);
    const { api, decide } = await startApi(view, catalog);
    await waitFor(() => view.ready(), { timeoutMs: 20_000, message: 'view never caught up' });
    for (const s of sessions) expect(view.engine.signal(s)?.session_id).toBe(s);
    expect((await api.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    // The session read confidential data before the API started: the exfiltrating send is stopped.
    const res = await decide(exfiltration(sessions[0] as string));
    expect(['step_up', 'deny']).toContain(res.decision);
    expect(res.stale).toBeNull();
    expect(res.reasons.some((r) => r.evidence_event_ids.length > 0)).toBe(true);
  });

  it('a signal produced by the processor changes the API\'s answer within a bounded time', async () => {
    const topic = await createTestTopic({ prefix: 'risk-signals', config: { 'cleanup.policy': 'compact' } });
    const { view, catalog } = await startView(topic);
    const { decide } = await startApi(view, catalog);
    await waitFor(() => view.ready(), { timeoutMs: 20_000 });

    const session = randomName('s-live');
    const before = await decide(exfiltration(session));
    expect(before.decision).toBe('allow');

    const { signal, eventId } = processed(session);
    const producedAt = Date.now();
    await produceJson(topic, [{ key: session, value: signal }]);
    const after = await waitFor(
      async () => {
        const res = await decide(exfiltration(session));
        return res.decision !== 'allow' ? res : undefined;
      },
      { timeoutMs: 5000, intervalMs: 20, message: 'the signal did not change the answer' },
    );
    const elapsed = Date.now() - producedAt;
    expect(['step_up', 'deny']).toContain(after.decision);
    // The answer cites the confidential read the processor saw.
    expect(after.reasons.flatMap((r) => r.evidence_event_ids)).toContain(eventId);
    expect(elapsed).toBeLessThan(5000);
    // The benign action in the same session is still allowed.
    expect((await decide(benignRead(session))).decision).toBe('allow');
  });

  it('stale view, default modes: fails closed (step_up) for sensitive actions, open for others', async () => {
    const topic = await createTestTopic({ prefix: 'risk-signals', config: { 'cleanup.policy': 'compact' } });
    const { view, catalog } = await startView(topic, 50);
    const { api, decide } = await startApi(view, catalog, { staleMs: 300 });
    await waitFor(() => view.ready(), { timeoutMs: 20_000 });
    const session = randomName('s-stale');
    expect((await decide(benignRead(session))).stale).toBeNull();

    // The consumer stops (crash, partition, broker gone): nothing confirms the view any more.
    await view.close();
    const sensitive = await waitFor(async () => {
      const res = await decide(exfiltration(session));
      return res.stale !== null ? res : undefined;
    }, { timeoutMs: 5000 });
    expect(sensitive).toMatchObject({ decision: 'step_up', stale: 'fail_closed' });
    expect(sensitive.view_age_ms).toBeGreaterThan(300);
    expect(sensitive.obligations.approval?.binding).toBeDefined();
    const benign = await decide(benignRead(session));
    expect(benign).toMatchObject({ decision: 'allow', stale: 'fail_open' });
    const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/chainwatch_decisions_total\{decision="step_up",enforced="step_up",mode="stale_fail_closed"\} 1/);
  });

  it('view that cannot catch up (topic missing), strict modes: deny sensitive, step_up the rest; not ready', async () => {
    const { view, catalog } = await startViewOnMissingTopic();
    const { api, decide } = await startApi(view, catalog, { failModeSensitive: 'deny', failModeOther: 'step_up' });
    expect(view.ready()).toBe(false);
    expect((await api.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    const session = randomName('s-missing');
    expect(await decide(exfiltration(session))).toMatchObject({ decision: 'deny', stale: 'fail_closed', view_age_ms: null });
    expect(await decide(benignRead(session))).toMatchObject({ decision: 'step_up', stale: 'fail_closed' });
  });

  it('serves decisions over a real socket', async () => {
    const topic = await createTestTopic({ prefix: 'risk-signals', config: { 'cleanup.policy': 'compact' } });
    const session = randomName('s-socket');
    await produceJson(topic, [{ key: session, value: processedSignal(session) }]);
    const { view, catalog } = await startView(topic);
    const { api, auth } = await startApi(view, catalog);
    await waitFor(() => view.ready(), { timeoutMs: 20_000 });
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${url}/v1/decisions`, {
      method: 'POST',
      headers: { ...bearer(auth.token), 'content-type': 'application/json' },
      body: JSON.stringify(exfiltration(session)),
    });
    expect(res.status).toBe(200);
    const body = DecisionResponse.parse(await res.json());
    expect(['step_up', 'deny']).toContain(body.decision);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const unauth = await fetch(`${url}/v1/sessions/${session}/risk`);
    expect(unauth.status).toBe(401);
    const risk = await fetch(`${url}/v1/sessions/${session}/risk`, { headers: bearer(auth.token) });
    expect(await risk.json()).toMatchObject({ session_id: session, stale: false });
  });
});

async function startViewOnMissingTopic() {
  const { engine, catalog } = realEngine();
  const view = new KafkaSignalView({ kafka: testKafka(), engine, topic: randomName('no-such-topic'), logger, checkIntervalMs: 100 });
  cleanup.push(() => view.close());
  void view.start();
  return { view, catalog };
}
