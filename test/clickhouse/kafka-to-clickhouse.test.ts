import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@chainwatch/runtime';
import { runKafkaTraceWriter } from '@chainwatch/trace-writer';
import { testClickHouse, type TestClickHouse, createTestTopic, produceJson, randomName, testKafka, waitFor, makeEvent } from '@chainwatch/testing';
import { CollectingPublisher } from './records';

// Issue 2: AgentActionEvents through the real broker with kafkajs, stored in ClickHouse by the
// trace writer, read back with a server-side bound parameter.
describe('Kafka → trace writer → ClickHouse', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
  });
  afterAll(async () => {
    await ch?.close();
  });

  it('stores every produced AgentActionEvent once and reads them back by bound parameter', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'actions', partitions: 2, kafka });
    const session = `sess-${randomUUID()}`;
    const events = Array.from({ length: 40 }, (_, i) => makeEvent({ session_id: i % 4 === 0 ? `other-${randomUUID()}` : session, trace_id: `trace-${i % 3}` }));
    await produceJson(topic, events.map((e) => ({ key: e.trace_id, value: e })), { kafka });

    const registry = new Registry();
    const writer = await runKafkaTraceWriter({
      kafka,
      groupId: randomName('trace-writer'),
      topics: { actions: topic },
      client: ch.client,
      database: ch.database,
      batch: { maxRows: 16, maxWaitMs: 100 },
      logger: createLogger({ name: 'trace-writer-test', level: 'warn' }),
      metrics: registry,
      dlq: new CollectingPublisher(),
    });
    try {
      const mine = events.filter((e) => e.session_id === session);
      const rows = await waitFor(
        async () => {
          const result = await ch.client.query({
            query: `SELECT toString(event_id) AS event_id, toUnixTimestamp64Milli(ts) AS ts, tool
                    FROM ${ch.database}.agent_actions WHERE session_id = {session:String} ORDER BY ts, event_id`,
            query_params: { session },
            format: 'JSONEachRow',
          });
          const got = await result.json<{ event_id: string; ts: string | number; tool: string }>();
          return got.length >= mine.length ? got : undefined;
        },
        { timeoutMs: 30_000, message: 'rows did not arrive in ClickHouse' },
      );
      expect(rows.map((r) => r.event_id).sort()).toEqual(mine.map((e) => e.event_id).sort());
      expect(new Set(rows.map((r) => Number(r.ts)))).toEqual(new Set(mine.map((e) => e.ts)));
      const total = await (await ch.client.query({ query: `SELECT count() AS n FROM ${ch.database}.agent_actions`, format: 'JSONEachRow' })).json<{ n: string }>();
      expect(Number(total[0]?.n)).toBe(events.length);
      const written = (await registry.getMetricsAsJSON()).find((m) => m.name === 'chainwatch_trace_writer_rows_written_total');
      expect(written?.values.reduce((s, v) => s + v.value, 0)).toBe(events.length);
    } finally {
      await writer.stop();
    }
  });
});
