import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@chainwatch/runtime';
import { DecisionResponse, type DecisionRequest } from '@chainwatch/schemas';
import { createDevAuth, loadDecisionApiConfig, runDecisionApiService, type DecisionApiService } from '@chainwatch/decision-api';
import { createTestTopic, kafkaBrokers, produceJson, randomName, waitFor, makeEvent } from '@chainwatch/testing';
import { bearer } from './harness';
import { realEngine } from './real-engine';

// Two decision-API replicas behind one load balancer: the step-up answered by one, the approval
// posted to the other, the retry landing on either. Binding states travel on chainwatch.approvals.
const AGENT = { id: 'agent-files-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
// No declared scopes: the task's words decide, and they asked only for information.
const READ_ONLY_TASK = { id: 'task-ro', intent: 'summarise my project files', scopes: [] as string[] };

const services: DecisionApiService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

describe('decision-API replicas share approval bindings over Kafka', () => {
  it('a step-up from replica A is approved at replica B, the retry is allowed at A, and the approval is then used up at B too', async () => {
    const auth = await createDevAuth({ issuer: 'https://issuer.example', audience: 'cw-test' });
    const dir = mkdtempSync(join(tmpdir(), 'cw-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(auth.jwks));
    const config = loadDecisionApiConfig({
      DECISION_API_PORT: '0',
      JWT_JWKS_FILE: join(dir, 'jwks.json'),
      JWT_ISSUER: 'https://issuer.example',
      JWT_AUDIENCE: 'cw-test',
      KAFKA_BROKERS: kafkaBrokers().join(','),
      VIEW_STALE_MS: '60000',
    });
    const topics = {
      riskSignals: await createTestTopic({ prefix: 'signals', partitions: 2, config: { 'cleanup.policy': 'compact' } }),
      decisions: randomName('decisions'),
      actions: randomName('actions'),
      approvals: randomName('approvals'),
    };
    const logger = createLogger({ name: 'replicas-test', level: process.env.LOG_LEVEL ?? 'silent' });
    for (let i = 0; i < 2; i++) {
      const { engine, catalog } = realEngine();
      services.push(await runDecisionApiService(config, { engine, catalog, topics, logger }));
    }
    const [a, b] = services as [DecisionApiService, DecisionApiService];

    // The session so far, as the processor publishes it: one read in a read-only task.
    const session = randomName('s-replicas');
    const processor = realEngine().engine;
    const read = makeEvent({
      session_id: session,
      trace_id: `trace-${session}`,
      agent: AGENT,
      task: READ_ONLY_TASK,
      action: { kind: 'tool_call', tool: 'list_files', operation: 'read', data_class: 'internal', args: { folder: 'projects' } },
    });
    await produceJson(topics.riskSignals, [{ key: session, value: processor.observe(read).signal }]);

    const send: DecisionRequest = {
      session_id: session,
      trace_id: `trace-${session}`,
      agent: AGENT,
      principal: { sub: 'user:alice', act: [] },
      task: READ_ONLY_TASK,
      action: { kind: 'tool_call', tool: 'send_email', args: { to: 'manager@example.org', subject: 'summary', body: 'the summary' } },
    };
    const decide = async (svc: DecisionApiService, body: DecisionRequest) => {
      const res = await fetch(`${svc.url}/v1/decisions`, { method: 'POST', headers: { ...bearer(auth.token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return DecisionResponse.parse(await res.json());
    };

    const first = await waitFor(async () => {
      const d = await decide(a, send);
      return d.decision === 'step_up' ? d : undefined;
    }, { timeoutMs: 20_000, message: 'replica A never answered step_up' });
    const binding = first.obligations.approval?.binding as string;

    // Replica B learns the pending binding from the topic, then takes the approval.
    const approver = await auth.sign({ sub: 'team-lead', roles: ['approver'], issuer: 'https://issuer.example', audience: 'cw-test' });
    await waitFor(async () => {
      const res = await fetch(`${b.url}/v1/approvals/${binding}`, {
        method: 'POST',
        headers: { ...bearer(approver), 'content-type': 'application/json' },
        body: JSON.stringify({ approve: true }),
      });
      return res.status === 200;
    }, { timeoutMs: 20_000, message: 'replica B never accepted the approval' });

    // The retry lands on A: allowed, citing the approval given at B.
    const retried = await waitFor(async () => {
      const d = await decide(a, { ...send, approval_binding: binding });
      return d.decision === 'allow' ? d : undefined;
    }, { timeoutMs: 20_000, message: 'replica A never honoured the approval given at B' });
    expect(retried.reasons[0]).toMatchObject({ rule_id: 'approval.granted' });
    expect(retried.reasons[0]?.message).toContain('team-lead');

    // A second retry at B finds the binding used (single use across replicas).
    const replay = await waitFor(async () => {
      const d = await decide(b, { ...send, approval_binding: binding });
      return d.reasons.some((r) => r.rule_id === 'approval.not_applicable' && r.message.includes('already used')) ? d : undefined;
    }, { timeoutMs: 20_000, message: 'replica B never learnt that the binding was used' });
    expect(replay.decision).not.toBe('allow');
  }, 90_000);
});
