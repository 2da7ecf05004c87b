import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@chainwatch/runtime';
import { DecisionRecord, DecisionResponse } from '@chainwatch/schemas';
import { createDevAuth, loadDecisionApiConfig, runDecisionApiService, type DecisionApiService } from '@chainwatch/decision-api';
import { consumeUntil, kafkaBrokers, produceJson, randomName, waitFor, makeEvent } from '@chainwatch/testing';
import { bearer } from './harness';
import { realEngine } from './real-engine';
import { confidentialRead, exfiltration } from './scenario';

let service: DecisionApiService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('runDecisionApiService (Kafka service entry)', () => {
  it('boots from env config with a JWKS file, follows the signal topic, logs decisions and ingests events to Kafka', async () => {
    const auth = await createDevAuth({ issuer: 'https://issuer.example', audience: 'cw-test' });
    const dir = mkdtempSync(join(tmpdir(), 'cw-jwks-'));
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(auth.jwks));
    const config = loadDecisionApiConfig({
      DECISION_API_PORT: '0',
      JWT_JWKS_FILE: jwksFile,
      JWT_ISSUER: 'https://issuer.example',
      JWT_AUDIENCE: 'cw-test',
      KAFKA_BROKERS: kafkaBrokers().join(','),
      VIEW_STALE_MS: '5000',
    });
    const topics = { riskSignals: randomName('signals'), decisions: randomName('decisions'), actions: randomName('actions') };
    const { engine, catalog } = realEngine();
    service = await runDecisionApiService(config, { engine, catalog, topics, logger: createLogger({ name: 'svc-test', level: 'silent' }) });
    const url = service.url;
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 20_000, message: '/readyz never turned 200' });

    const session = randomName('s-svc');
    const processor = realEngine().engine;
    await produceJson(topics.riskSignals, [{ key: session, value: processor.observe(confidentialRead(session)).signal }]);
    const decided = await waitFor(async () => {
      const res = await fetch(`${url}/v1/decisions`, {
        method: 'POST',
        headers: { ...bearer(auth.token), 'content-type': 'application/json' },
        body: JSON.stringify(exfiltration(session)),
      });
      const body = DecisionResponse.parse(await res.json());
      return body.decision !== 'allow' ? body : undefined;
    }, { timeoutMs: 10_000 });

    const logged = await consumeUntil({ topic: topics.decisions, predicate: (m) => (m.json() as { decision_id: string }).decision_id === decided.decision_id, timeoutMs: 20_000 });
    const record = DecisionRecord.parse(logged.at(-1)?.json());
    expect(record).toMatchObject({ kind: 'decision', session_id: session, decision: decided.decision, policy_version: decided.policy_version });
    expect(logged.at(-1)?.key).toBe(session);

    const event = makeEvent({ trace_id: randomName('trace') });
    const ingest = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { ...bearer(auth.token), 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(event)}\n{"bad":true}\n`,
    });
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: 1, rejected: [{ line: 2 }] });
    const [stored] = await consumeUntil({ topic: topics.actions, count: 1 });
    expect(stored?.key).toBe(event.trace_id);
    expect(stored?.json()).toMatchObject({ event_id: event.event_id });

    // A token from another issuer is refused.
    const other = await auth.sign({ sub: 'x', roles: ['enforcer'], issuer: 'https://evil.example' });
    expect((await fetch(`${url}/v1/sessions/${session}/risk`, { headers: bearer(other) })).status).toBe(401);
  });

  it('refuses to start without JWKS configuration, naming the variable', () => {
    expect(() => loadDecisionApiConfig({ KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(/JWT_JWKS_FILE/);
    expect(() => loadDecisionApiConfig({ JWT_JWKS_FILE: '/x', FAIL_MODE_SENSITIVE: 'allow' })).toThrow(/FAIL_MODE_SENSITIVE/);
  });
});
