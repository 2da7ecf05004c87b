/**
 * Bad input over a real broker: malformed JSON, wrong types, oversize records and empty values
 * land on the DLQ with a reason and their raw bytes, and the stream goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskSignal } from '@chainwatch/schemas';
import type { DlqRecord, KafkaSessionProcessor, ProcessorTopics } from '@chainwatch/session-processor';
import type { Registry } from 'prom-client';
import { makeEvent, consumeUntil, produceJson, randomName, testKafka } from '@chainwatch/testing';
import { randomProcessorTopics, simulationEngine, startProcessor } from './harness';

describe('session-processor over Kafka: dead-letter queue', () => {
  const kafka = testKafka();
  let topics: ProcessorTopics;
  let running: KafkaSessionProcessor;
  let registry: Registry;

  beforeAll(async () => {
    topics = randomProcessorTopics();
    ({ running, registry } = await startProcessor({
      kafka,
      topics,
      groupId: randomName('proc-group'),
      engine: simulationEngine(),
      partitions: 1,
      maxEventBytes: 8 * 1024,
    }));
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('quarantines malformed records with a reason and keeps processing the ones after them', async () => {
    const before = makeEvent({ session_id: 'sess-before', trace_id: 'trace-dlq' });
    const after = makeEvent({ session_id: 'sess-after', trace_id: 'trace-dlq' });
    const badJson = '{"schema_version":1,"event_id":';
    const wrongTypes = JSON.stringify({ ...makeEvent({ trace_id: 'trace-dlq' }), ts: '2026-11-29', action: { kind: 'teleport', tool: 42 } });
    const oversize = JSON.stringify({ ...makeEvent({ trace_id: 'trace-dlq' }), padding: 'x'.repeat(9 * 1024) });
    await produceJson(
      topics.actions,
      [
        { key: 'trace-dlq', value: before },
        { key: 'trace-dlq', value: badJson },
        { key: 'trace-dlq', value: wrongTypes },
        { key: 'trace-dlq', value: oversize },
        { key: 'trace-dlq', value: Buffer.alloc(0) },
        { key: 'trace-dlq', value: after },
      ],
      { kafka },
    );

    const dlq = await consumeUntil({ kafka, topic: topics.dlq, count: 4, timeoutMs: 30_000 });
    const records = dlq.map((m) => m.json() as DlqRecord);
    expect(records.map((r) => r.reason)).toEqual(['invalid_json', 'schema_violation', 'oversize', 'empty']);
    expect(records.map((r) => Number(r.source.offset))).toEqual([1, 2, 3, 4]);
    for (const r of records) {
      expect(r.source.topic).toBe(topics.actions);
      expect(r.source.key).toBe('trace-dlq');
      expect(r.detail.length).toBeGreaterThan(0);
    }
    expect(Buffer.from(records[0]!.raw_base64, 'base64').toString()).toBe(badJson);
    expect(Buffer.from(records[2]!.raw_base64, 'base64').toString()).toBe(oversize);
    expect(records[1]!.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['ts', 'action.kind', 'action.tool']));
    expect(records[2]!.detail).toMatch(/limit 8192/);

    const signals = await consumeUntil({
      kafka,
      topic: topics.riskSignals,
      timeoutMs: 30_000,
      predicate: (m) => (m.json() as RiskSignal).session_id === 'sess-after',
    });
    expect(signals.map((m) => m.key)).toEqual(['sess-before', 'sess-after']);

    const invalid = await registry.getSingleMetric('chainwatch_processor_events_invalid_total')?.get();
    const byReason = Object.fromEntries((invalid?.values ?? []).map((v) => [v.labels.reason, v.value]));
    expect(byReason).toEqual({ invalid_json: 1, schema_violation: 1, oversize: 1, empty: 1 });
  });
});
