import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaRecordLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { AgentActionEvent, DecisionResponse, RiskSignal, type DecisionRequest } from '@chainwatch/schemas';
import { KafkaSignalView, buildDecisionApi, catalogSensitivity, createDevAuth } from '@chainwatch/decision-api';
import { consumeUntil, createTestTopic, randomName, testKafka, waitFor } from '@chainwatch/testing';
import { bearer } from '../decision-api/harness';
import { realEngine } from '../decision-api/real-engine';
import { produceEvents, randomProcessorTopics, startProcessor } from './harness';

// Issue 4, item 5 over the distributed deployment: an approval answered at the decision API
// reaches the session state held by a separate session processor (through chainwatch.approvals),
// so the approved action, when it runs and is reported, does not raise the finding that asked for
// the step-up; and an approval answered while the processor is down is not lost.
const logger = createLogger({ name: 'approvals-it', level: process.env.LOG_LEVEL ?? 'silent' });
const AGENT = { id: 'agent-files-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
// No declared scopes: the task's words decide, and they asked only for information.
const READ_ONLY_TASK = { id: 'task-ro', intent: 'summarise my project files', scopes: [] as string[] };
const SEND: DecisionRequest['action'] = { kind: 'tool_call', tool: 'send_email', args: { to: 'manager@example.org', subject: 'summary', body: 'the summary' } };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

function event(session: string, action: AgentActionEvent['action'], ts: number): AgentActionEvent {
  return AgentActionEvent.parse({
    schema_version: 1,
    event_id: randomUUID(),
    ts,
    session_id: session,
    trace_id: `trace-${session}`,
    parent_session_id: null,
    agent: AGENT,
    principal: { sub: 'user:alice', act: [] },
    task: READ_ONLY_TASK,
    action,
  });
}
const listFiles = (session: string, ts: number) =>
  event(session, { kind: 'tool_call', tool: 'list_files', operation: 'read', data_class: 'internal', args: { folder: 'projects' } }, ts);

describe('approvals reach the processor over Kafka', () => {
  it('an approved send, once it runs, does not raise the finding that asked for the step-up; approvals given while the processor is down are applied after restart', async () => {
    const kafka = testKafka();
    const topics = randomProcessorTopics();
    const groupId = randomName('approvals-group');
    let proc = await startProcessor({ kafka, topics, groupId, engine: realEngine().engine, partitions: 2 });
    cleanup.push(() => proc.running.stop());

    // The decision API: Kafka-fed view of the processor's signals, approvals published to Kafka.
    const { engine, catalog } = realEngine();
    const view = new KafkaSignalView({ kafka, engine, topic: topics.riskSignals, logger, checkIntervalMs: 100 });
    await view.start();
    cleanup.push(() => view.close());
    const publisher = new KafkaRecordLog(kafka, { logger });
    await publisher.connect();
    cleanup.push(() => publisher.disconnect());
    const auth = await createDevAuth();
    const api = await buildDecisionApi({
      view,
      publisher,
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      options: { isSensitive: catalogSensitivity(catalog), topics: { approvals: topics.approvals, decisions: await createTestTopic({ prefix: 'decisions' }) } },
      logger,
    });
    cleanup.push(() => api.app.close());
    const approver = await auth.sign({ sub: 'team-lead', roles: ['approver'] });
    const decide = async (session: string) => {
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: bearer(auth.token),
        payload: { session_id: session, trace_id: `trace-${session}`, agent: AGENT, principal: { sub: 'user:alice', act: [] }, task: READ_ONLY_TASK, action: SEND },
      });
      expect(res.statusCode).toBe(200);
      return DecisionResponse.parse(res.json());
    };
    /** Step-up for the send, once the view has the session's first event; returns binding and rule. */
    const stepUp = async (session: string) => {
      const first = await waitFor(async () => {
        const d = await decide(session);
        return d.decision === 'step_up' && d.view_age_ms !== null ? d : undefined;
      }, { timeoutMs: 20_000, message: `no step_up for ${session}` });
      return { binding: first.obligations.approval?.binding as string, rule: first.reasons[0]?.rule_id as string };
    };
    const approve = async (binding: string) => {
      const res = await api.app.inject({ method: 'POST', url: `/v1/approvals/${binding}`, headers: bearer(approver), payload: { approve: true } });
      expect(res.statusCode).toBe(200);
    };
    /** The processor's signal for `session` at `seq` (read from the signal topic). */
    const signalAt = async (session: string, seq: number): Promise<RiskSignal> => {
      const got = await consumeUntil({
        topic: topics.riskSignals,
        predicate: (m) => m.key === session && (m.json() as RiskSignal).seq === seq,
        timeoutMs: 30_000,
      });
      return RiskSignal.parse(got.at(-1)?.json());
    };
    const ruleIds = (s: RiskSignal) => s.reasons.map((r) => r.rule_id);

    // 1. Approval while the processor runs.
    const s1 = randomName('s-approved');
    const t0 = Date.now();
    await produceEvents(kafka, topics.actions, [listFiles(s1, t0)]);
    const one = await stepUp(s1);
    await approve(one.binding);
    await waitFor(async () => (await proc.metrics.approvals.get()).values.some((v) => v.labels.applied === 'session' && v.value >= 1), {
      timeoutMs: 20_000,
      message: 'the processor never recorded the approval in the session',
    });
    await produceEvents(kafka, topics.actions, [event(s1, SEND, t0 + 1000)]);
    expect(ruleIds(await signalAt(s1, 2))).not.toContain(one.rule);
    // Used up: the same send again raises it.
    await produceEvents(kafka, topics.actions, [event(s1, SEND, t0 + 2000)]);
    expect(ruleIds(await signalAt(s1, 3))).toContain(one.rule);

    // 2. Approval while the processor is down: read back from the topic after the restart.
    const s2 = randomName('s-down');
    await produceEvents(kafka, topics.actions, [listFiles(s2, t0)]);
    const two = await stepUp(s2);
    await proc.running.stop();
    await approve(two.binding);
    proc = await startProcessor({ kafka, topics, groupId, engine: realEngine().engine, partitions: 2 });
    await produceEvents(kafka, topics.actions, [event(s2, SEND, t0 + 1000)]);
    expect(ruleIds(await signalAt(s2, 2))).not.toContain(two.rule);
  }, 120_000);
});
