import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@chainwatch/runtime';
import { runKafkaTraceWriter } from '@chainwatch/trace-writer';
import { switchableClient, testClickHouse, type TestClickHouse, createTestTopic, produceJson, randomName, testKafka, waitFor, makeEvent, makeFinding } from '@chainwatch/testing';
import { CollectingPublisher } from './records';

describe('trace writer: ClickHouse outage while events keep arriving', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
  });
  afterAll(async () => {
    await ch?.close();
  });

  const scalar = async (sql: string, params: Record<string, unknown> = {}): Promise<number> => {
    const rows = await (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<{ n: string | number }>();
    return Number(rows[0]?.n ?? 0);
  };

  it('pauses, retries, resumes, and ends with exactly what was produced, committed', async () => {
    const kafka = testKafka();
    const actionsTopic = await createTestTopic({ prefix: 'actions', partitions: 3, kafka });
    const findingsTopic = await createTestTopic({ prefix: 'findings', partitions: 1, kafka });
    const groupId = randomName('trace-writer');
    const sw = switchableClient(ch.client);
    const registry = new Registry();
    const agentType = `fault-${randomUUID().slice(0, 8)}`;
    const produced = { actions: 0, findings: 0 };
    const wave = async (n: number): Promise<void> => {
      const events = Array.from({ length: n }, (_, i) => makeEvent({ agent: { type: agentType }, trace_id: `t-${i % 7}`, session_id: `s-${i % 11}` }));
      await produceJson(actionsTopic, events.map((e) => ({ key: e.trace_id, value: e })), { kafka });
      produced.actions += n;
      const findings = Array.from({ length: Math.ceil(n / 10) }, () => makeFinding({ agent_type: agentType }));
      await produceJson(findingsTopic, findings.map((f) => ({ key: f.session_id, value: f })), { kafka });
      produced.findings += findings.length;
    };

    const writer = await runKafkaTraceWriter({
      kafka,
      groupId,
      topics: { actions: actionsTopic, findings: findingsTopic },
      client: sw.client,
      database: ch.database,
      batch: { maxRows: 25, maxWaitMs: 100 },
      retry: { initialMs: 50, maxMs: 250 },
      logger: createLogger({ name: 'trace-writer-fault', level: 'silent' }),
      metrics: registry,
      dlq: new CollectingPublisher(),
    });
    const countActions = (): Promise<number> => scalar(`SELECT count() AS n FROM ${ch.database}.agent_actions`);
    const paused = async (): Promise<number> =>
      (await registry.getMetricsAsJSON()).find((m) => m.name === 'chainwatch_trace_writer_paused')?.values[0]?.value ?? 0;
    try {
      await wave(60);
      await waitFor(async () => (await countActions()) === 60, { timeoutMs: 30_000, message: 'first wave not stored' });

      sw.down();
      await wave(80);
      await waitFor(() => sw.refused >= 3, { timeoutMs: 30_000, message: 'writer did not attempt inserts while down' });
      expect(await paused()).toBe(1);
      await wave(70); // events keep arriving during the outage
      await wave(50);
      const storedDuringOutage = await countActions();
      expect(storedDuringOutage).toBe(60);

      sw.up();
      await waitFor(async () => (await countActions()) >= produced.actions, { timeoutMs: 60_000, message: 'backlog not stored after recovery' });
      await wave(40); // and after recovery
      await waitFor(async () => (await countActions()) >= produced.actions, { timeoutMs: 30_000, message: 'post-recovery wave not stored' });
      await waitFor(async () => (await scalar(`SELECT count() AS n FROM ${ch.database}.findings`)) >= produced.findings, { timeoutMs: 30_000 });

      // Committed offsets reach the end of every partition: nothing would be redelivered.
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitFor(async () => {
          for (const topic of [actionsTopic, findingsTopic]) {
            const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
            const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
            for (const e of ends) if (byPartition.get(e.partition) !== e.high) return false;
          }
          return true;
        }, { timeoutMs: 15_000, message: 'offsets not committed to the end' });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await writer.stop();
    }

    expect(sw.refused).toBeGreaterThanOrEqual(3);
    expect(await paused()).toBe(0);
    expect(await countActions()).toBe(produced.actions);
    expect(await scalar(`SELECT uniqExact(event_id) AS n FROM ${ch.database}.agent_actions`)).toBe(produced.actions);
    expect(await scalar(`SELECT count() AS n FROM ${ch.database}.findings`)).toBe(produced.findings);
    expect(await scalar(`SELECT uniqExact(finding_id) AS n FROM ${ch.database}.findings`)).toBe(produced.findings);
    expect(await scalar(`SELECT sum(actions) AS n FROM ${ch.database}.actions_per_minute WHERE agent_type = {t:String}`, { t: agentType })).toBe(produced.actions);
    expect(await scalar(`SELECT sum(findings) AS n FROM ${ch.database}.findings_per_minute`)).toBe(produced.findings);
  });

  it('an insert that landed but whose answer was lost is retried with the same token: no duplicates', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'actions', partitions: 1, kafka });
    const sw = switchableClient(ch.client);
    const agentType = `lost-${randomUUID().slice(0, 8)}`;
    const before = await scalar(`SELECT count() AS n FROM ${ch.database}.agent_actions`);
    sw.loseResponses(3);
    const events = Array.from({ length: 90 }, () => makeEvent({ agent: { type: agentType } }));
    await produceJson(topic, events.map((e) => ({ key: e.trace_id, value: e })), { kafka });
    const writer = await runKafkaTraceWriter({
      kafka,
      groupId: randomName('trace-writer'),
      topics: { actions: topic },
      client: sw.client,
      database: ch.database,
      batch: { maxRows: 30, maxWaitMs: 100 },
      retry: { initialMs: 20, maxMs: 100 },
      logger: createLogger({ name: 'trace-writer-lost', level: 'silent' }),
      metrics: new Registry(),
      dlq: new CollectingPublisher(),
    });
    try {
      await waitFor(async () => (await scalar(`SELECT count() AS n FROM ${ch.database}.agent_actions`)) - before >= 90, { timeoutMs: 30_000 });
    } finally {
      await writer.stop();
    }
    expect(await scalar(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE agent_type = {t:String}`, { t: agentType })).toBe(90);
    expect(await scalar(`SELECT sum(actions) AS n FROM ${ch.database}.actions_per_minute WHERE agent_type = {t:String}`, { t: agentType })).toBe(90);
  });

  it('a writer stopped during the outage commits nothing; its successor in the group stores everything once', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'actions', partitions: 2, kafka });
    const groupId = randomName('trace-writer');
    const agentType = `restart-${randomUUID().slice(0, 8)}`;
    const count = (): Promise<number> =>
      scalar(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE agent_type = {t:String}`, { t: agentType });
    const start = (client: typeof ch.client) =>
      runKafkaTraceWriter({
        kafka,
        groupId,
        topics: { actions: topic },
        client,
        database: ch.database,
        batch: { maxRows: 20, maxWaitMs: 100 },
        retry: { initialMs: 20, maxMs: 100 },
        logger: createLogger({ name: 'trace-writer-restart', level: 'silent' }),
        metrics: new Registry(),
        dlq: new CollectingPublisher(),
      });
    const events = Array.from({ length: 70 }, (_, i) => makeEvent({ agent: { type: agentType }, trace_id: `t-${i % 5}` }));
    const sw = switchableClient(ch.client);
    sw.down();
    const first = await start(sw.client);
    await produceJson(topic, events.map((e) => ({ key: e.trace_id, value: e })), { kafka });
    await waitFor(() => sw.refused >= 2, { timeoutMs: 30_000 });
    await first.stop();
    expect(await count()).toBe(0);

    const second = await start(ch.client);
    try {
      await waitFor(async () => (await count()) >= 70, { timeoutMs: 30_000, message: 'successor did not store the backlog' });
    } finally {
      await second.stop();
    }
    expect(await count()).toBe(70);
  });
});
