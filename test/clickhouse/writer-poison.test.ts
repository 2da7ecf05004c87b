/**
 * Poison never blocks the trace store: a row the store refuses goes to the DLQ after bounded
 * retries and the rest of its batch is stored; a record too large for a DLQ message is cut to
 * fit the broker's limit; a writer that stores nothing reports it; one row per event_id however
 * often it is sent. Real ClickHouse engine, real broker for the DLQ.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { TraceWriter, TraceWriterMetrics, runKafkaTraceWriter } from '@chainwatch/trace-writer';
import { switchableClient, testClickHouse, type TestClickHouse, makeEvent, makeFinding, consumeUntil, createTestTopic, produceJson, randomName, testKafka, waitFor } from '@chainwatch/testing';
import { CollectingPublisher, logRecords } from './records';

const logger = createLogger({ name: 'trace-writer-poison', level: 'silent' });

describe('trace writer: poison never blocks', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
    // A store that refuses some rows: a real constraint of the real engine (no mock).
    await ch.client.command({ query: `ALTER TABLE ${ch.database}.agent_actions ADD CONSTRAINT refuse_poison CHECK resource != 'poison'` });
  });
  afterAll(async () => {
    await ch?.close();
  });

  const count = async (sql: string, params: Record<string, unknown> = {}): Promise<number> => {
    const rows = await (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<{ n: string | number }>();
    return Number(rows[0]?.n ?? 0);
  };

  it('a row the store refuses goes to the DLQ after bounded retries; every other row of its batch is stored', async () => {
    const session = `s-${randomUUID()}`;
    const dlq = new CollectingPublisher();
    const registry = new Registry();
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq, logger, metrics: new TraceWriterMetrics(registry), retry: { initialMs: 5, maxMs: 20 } });
    const events = Array.from({ length: 40 }, (_, i) =>
      makeEvent({ session_id: session, action: { kind: 'tool_call', tool: 'files.read', resource: i === 7 || i === 31 ? 'poison' : `doc-${i}` } }),
    );
    const result = await writer.writeBatch(logRecords(TOPICS.actions, events, { partition: 3, firstOffset: 1000 }));
    expect(result).toEqual({ rows: { agent_actions: 38 }, dlq: 2, ignored: 0 });
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(38);
    const dead = dlq.published.map((p) => ({ topic: p.topic, value: JSON.parse(String(p.record.value)) as { reason: string; offset: string; raw_base64: string } }));
    expect(dead.map((d) => d.value.offset)).toEqual(['1007', '1031']);
    expect(dead.every((d) => d.topic === TOPICS.writerDlq && d.value.reason === 'refused by the store: VIOLATED_CONSTRAINT')).toBe(true);
    expect(JSON.parse(Buffer.from(dead[0]!.value.raw_base64, 'base64').toString('utf8'))).toMatchObject({ event_id: events[7]!.event_id });
    // Bounded: the refused rows were tried a few times, not forever.
    const failures = (await registry.getMetricsAsJSON()).find((m) => m.name === 'chainwatch_trace_writer_insert_failures_total')?.values[0]?.value ?? 0;
    expect(failures).toBeLessThan(40);
    expect(writer.stalledMs(Date.now())).toBe(0);
  });

  it('one row per event_id and per finding_id, however often and however far apart they are sent', async () => {
    const session = `s-${randomUUID()}`;
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq: new CollectingPublisher(), logger });
    const event = makeEvent({ session_id: session, agent: { type: `dup-${randomUUID().slice(0, 8)}` } });
    const finding = makeFinding({ session_id: session });
    // Twice in one batch, then again in a later one (different offsets: not a redelivery).
    await writer.writeBatch(logRecords(TOPICS.actions, [event, event], { firstOffset: 5000 }));
    await writer.writeBatch(logRecords(TOPICS.actions, [event, makeEvent({ session_id: session })], { firstOffset: 5002 }));
    await writer.writeBatch([...logRecords(TOPICS.findings, [finding, finding], { firstOffset: 10 }), ...logRecords(TOPICS.findings, [finding], { firstOffset: 12 })]);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE event_id = {id:UUID}`, { id: event.event_id })).toBe(1);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(2);
    expect(await count(`SELECT sum(actions) AS n FROM ${ch.database}.actions_per_minute WHERE agent_type = {t:String}`, { t: event.agent.type })).toBe(1);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.findings WHERE finding_id = {id:String}`, { id: finding.finding_id })).toBe(1);
  });

  it('reports a batch that stores nothing (stalledMs grows) and stops reporting once it is stored', async () => {
    const sw = switchableClient(ch.client);
    const writer = new TraceWriter({ client: sw.client, database: ch.database, dlq: new CollectingPublisher(), logger, retry: { initialMs: 20, maxMs: 50 } });
    expect(writer.stalledMs(Date.now())).toBe(0);
    sw.down();
    const pending = writer.writeBatch(logRecords(TOPICS.actions, [makeEvent(), makeEvent()], { firstOffset: 7000 }));
    await expect.poll(() => writer.stalledMs(Date.now()), { timeout: 5000 }).toBeGreaterThan(300);
    sw.up();
    await pending;
    expect(writer.stalledMs(Date.now())).toBe(0);
  });

  it('over Kafka: a 900 KB record becomes a DLQ message that fits the broker, and the partition moves on', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'actions-poison', partitions: 1, kafka });
    const dlqTopic = await createTestTopic({ prefix: 'writer-dlq', partitions: 1, kafka });
    const session = `s-${randomUUID()}`;
    const huge = JSON.stringify({ ...makeEvent({ session_id: session }), action: { kind: 'tool_call', tool: 'x', args: { blob: 'y'.repeat(900_000) } } });
    expect(huge.length).toBeGreaterThan(900_000);
    const good = Array.from({ length: 10 }, () => makeEvent({ session_id: session }));
    const poison = Array.from({ length: 2 }, () => makeEvent({ session_id: session, action: { kind: 'tool_call', tool: 'files.read', resource: 'poison' } }));
    await produceJson(topic, [{ key: 'k', value: huge }], { kafka });
    await produceJson(topic, [...good.slice(0, 5), poison[0], ...good.slice(5), poison[1]].map((e) => ({ key: e!.trace_id, value: e })), { kafka });

    const groupId = randomName('writer-poison');
    const registry = new Registry();
    const writer = await runKafkaTraceWriter({
      kafka,
      groupId,
      topics: { actions: topic, writerDlq: dlqTopic },
      client: ch.client,
      database: ch.database,
      batch: { maxRows: 100, maxWaitMs: 100 },
      retry: { initialMs: 10, maxMs: 50 },
      logger,
      metrics: registry,
    });
    try {
      await waitFor(async () => (await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })) === 10, {
        timeoutMs: 30_000,
        message: 'good records not stored behind the poison',
      });
      const dead = await consumeUntil({ kafka, topic: dlqTopic, count: 3, timeoutMs: 30_000 });
      const values = dead.map((m) => ({ size: m.value!.length, json: m.json() as { reason: string; size_bytes: number; raw_truncated: boolean } }));
      const big = values.find((v) => v.json.size_bytes === huge.length)!;
      expect(big.size).toBeLessThanOrEqual(1_000_000);
      expect(big.json.raw_truncated).toBe(true);
      expect(big.json.reason).toMatch(/action\.args/);
      expect(values.filter((v) => v.json.reason === 'refused by the store: VIOLATED_CONSTRAINT')).toHaveLength(2);
      // The partition moved on: everything committed.
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitFor(async () => {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return committed?.partitions[0]?.offset === '13';
        }, { timeoutMs: 15_000, message: 'offsets not committed past the poison' });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await writer.stop();
    }
  });

  it('a DLQ message is never larger than dlqMaxBytes, and several go in requests under it', async () => {
    const dlq = new CollectingPublisher();
    const calls: number[] = [];
    const counting = { publish: async (t: string, records: readonly { key: string | null; value: string | Buffer }[]) => { calls.push(records.reduce((s, r) => s + r.value.length, 0)); await dlq.publish(t, records); } };
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq: counting, logger, dlqMaxBytes: 50_000 });
    const bad = Array.from({ length: 4 }, () => `{"not an event": "${'z'.repeat(40_000)}"}`);
    const result = await writer.writeBatch(logRecords(TOPICS.actions, bad, { firstOffset: 9000 }));
    expect(result.dlq).toBe(4);
    for (const p of dlq.published) expect(String(p.record.value).length).toBeLessThanOrEqual(50_000);
    expect(calls.every((bytes) => bytes <= 50_000)).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    // Nothing is cut that did not need it.
    const small = new CollectingPublisher();
    await new TraceWriter({ client: ch.client, database: ch.database, dlq: small, logger }).writeBatch(logRecords(TOPICS.actions, ['{"tiny": true}'], { firstOffset: 9100 }));
    expect(JSON.parse(String(small.published[0]!.record.value))).toMatchObject({ raw_truncated: false, size_bytes: 14 });
  });
});
