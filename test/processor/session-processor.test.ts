/**
 * The processor's own logic over a transport-agnostic sink: output keying, coalescing per chunk,
 * duplicates, DLQ, eviction tombstones, restore, and the in-process (MemoryLog) runner. The
 * detection engine here is a small counting stand-in; scenario tests use the real engine.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { Finding, RiskSignal } from '@chainwatch/schemas';
import {
  DLQ_RAW_MAX_BYTES,
  SessionProcessor,
  attachProcessorToLocalLog,
  createProcessorMetrics,
  localLogSink,
  type DlqRecord,
  type InputRecord,
  type ProcessorSink,
  type TopicRecords,
} from '@chainwatch/session-processor';
import { makeEvent } from '@chainwatch/testing';
import { CountingEngine } from './counting-engine';

const logger = createLogger({ name: 'processor-test', level: 'silent' });
const TOPICS = { actions: 'in', dlq: 'dlq', riskSignals: 'signals', findings: 'findings', sessionState: 'state', approvals: 'approvals' };

class CollectingSink implements ProcessorSink {
  readonly sends: TopicRecords[][] = [];
  failNext = false;
  async send(batches: readonly TopicRecords[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker down');
    }
    this.sends.push([...batches]);
  }
  records(topic: string) {
    return this.sends.flatMap((s) => s.filter((b) => b.topic === topic).flatMap((b) => b.records));
  }
}

let offset = 0;
function rec(value: unknown, partition = 0, key: string | null = 'trace-1'): InputRecord {
  const raw = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return { topic: 'in', partition, offset: String(offset++), key, value: raw };
}

function setup(options: { maxEventBytes?: number; idleMs?: number } = {}) {
  const engine = new CountingEngine(options.idleMs);
  const sink = new CollectingSink();
  const registry = new Registry();
  const metrics = createProcessorMetrics(registry);
  const processor = new SessionProcessor({
    engine,
    sink,
    logger,
    metrics,
    topics: TOPICS,
    punctuateIntervalMs: 0,
    retryBaseMs: 1,
    ...(options.maxEventBytes ? { maxEventBytes: options.maxEventBytes } : {}),
  });
  processor.init();
  return { engine, sink, registry, metrics, processor };
}

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

describe('SessionProcessor', () => {
  it('publishes the latest signal per session and every finding per chunk, and one checkpoint per changed trace on flush', async () => {
    const { sink, processor, registry } = setup();
    const a1 = makeEvent({ session_id: 'sess-a', trace_id: 'trace-1' });
    const a2 = makeEvent({ session_id: 'sess-a', trace_id: 'trace-1', action: { tool: 'bad.tool' } });
    const b1 = makeEvent({ session_id: 'sess-b', trace_id: 'trace-1', parent_session_id: 'sess-a' });
    const c1 = makeEvent({ session_id: 'sess-c', trace_id: 'trace-2' });
    const stats = await processor.process([rec(a1, 3), rec(a2, 3), rec(b1, 3), rec(c1, 5, 'trace-2')]);

    expect(stats).toEqual({ processed: 4, duplicates: 0, invalid: 0, findings: 1 });
    expect(sink.sends).toHaveLength(1); // one send for the whole chunk
    expect(sink.records('state')).toHaveLength(0); // checkpoints wait for flush()
    expect(processor.pendingCheckpoints).toBe(2);
    await processor.process([rec(makeEvent({ session_id: 'sess-c', trace_id: 'trace-2' }), 5, 'trace-2')]);
    expect(await processor.flush()).toBe(2);
    expect(await processor.flush()).toBe(0);
    const firstSend = sink.sends[0]!.filter((b) => b.topic === 'signals').flatMap((b) => b.records);
    const signals = firstSend.map((r) => ({ key: r.key, signal: JSON.parse(r.value ?? '') as RiskSignal }));
    expect(signals.map((s) => s.key).sort()).toEqual(['sess-a', 'sess-b', 'sess-c']);
    expect(signals.find((s) => s.key === 'sess-a')?.signal.seq).toBe(2);
    const findings = sink.records('findings');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.key).toBe('sess-a');
    expect((JSON.parse(findings[0]?.value ?? '') as Finding).evidence_event_ids).toEqual([a2.event_id]);
    const state = sink.records('state');
    expect(state.map((r) => [r.key, r.partition])).toEqual([
      ['trace-1', 3],
      ['trace-2', 5],
    ]);
    expect(JSON.parse(state[0]?.value ?? '').sessions).toHaveLength(2);
    expect(await counter(registry, 'chainwatch_processor_events_processed_total')).toBe(5);
    expect(await counter(registry, 'chainwatch_processor_findings_total', { detector: 'scope_drift' })).toBe(1);
    expect(await counter(registry, 'chainwatch_processor_sessions')).toBe(3);
  });

  it('ignores duplicate event ids within and across chunks', async () => {
    const { sink, processor, registry } = setup();
    const e = makeEvent({ session_id: 'sess-d', action: { tool: 'bad.tool' } });
    await processor.process([rec(e), rec(e)]);
    const second = await processor.process([rec(e)]);
    expect(second).toEqual({ processed: 0, duplicates: 1, invalid: 0, findings: 0 });
    expect(sink.records('findings')).toHaveLength(1);
    expect(sink.sends).toHaveLength(1); // the all-duplicate chunk produced nothing
    expect(await counter(registry, 'chainwatch_processor_events_duplicate_total')).toBe(2);
  });

  it('quarantines bad JSON, wrong types, oversize, empty records and engine failures, and keeps going', async () => {
    const { sink, processor, registry } = setup({ maxEventBytes: 4096 });
    const good = makeEvent({ session_id: 'sess-ok' });
    const wrongTypes = { ...makeEvent(), ts: 'yesterday', agent: { id: 7 } };
    const oversize = Buffer.from(JSON.stringify({ ...makeEvent(), task: { id: 't', scopes: [], intent: 'x'.repeat(5000) } }));
    const explode = makeEvent({ session_id: 'sess-x', action: { tool: 'engine.explode' } });
    const records = [
      rec('{"event_id": oops'),
      rec(wrongTypes),
      rec(oversize),
      { topic: 'in', partition: 2, offset: '99', key: 'k', value: null },
      rec(explode),
      rec(good),
    ];
    const stats = await processor.process(records);
    expect(stats.processed).toBe(1);
    expect(stats.invalid).toBe(5);
    const dlq = sink.records('dlq').map((r) => JSON.parse(r.value ?? '') as DlqRecord);
    expect(dlq.map((d) => d.reason)).toEqual(['invalid_json', 'schema_violation', 'oversize', 'empty', 'processing_error']);
    expect(dlq[1]?.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['ts', 'agent.id']));
    expect(Buffer.from(dlq[2]?.raw_base64 ?? '', 'base64').equals(oversize)).toBe(true);
    expect(dlq[2]?.raw_truncated).toBe(false);
    expect(dlq[2]?.raw_sha256).toBe(createHash('sha256').update(oversize).digest('hex'));
    expect(dlq[3]?.source).toEqual({ topic: 'in', partition: 2, offset: '99', key: 'k' });
    expect(dlq[0]?.source.offset).toBe(records[0]?.offset);
    expect(sink.records('signals').map((r) => r.key)).toEqual(['sess-ok']);
    expect(await counter(registry, 'chainwatch_processor_events_invalid_total', { reason: 'schema_violation' })).toBe(1);
    expect(await counter(registry, 'chainwatch_processor_events_invalid_total', { reason: 'oversize' })).toBe(1);
  });

  it('keeps a DLQ record under a Kafka message even for a huge raw value', async () => {
    const { sink, processor } = setup();
    const huge = Buffer.alloc(DLQ_RAW_MAX_BYTES * 2, 'x');
    await processor.process([rec(huge)]);
    const [dlq] = sink.records('dlq').map((r) => JSON.parse(r.value ?? '') as DlqRecord);
    expect(dlq?.reason).toBe('oversize');
    expect(dlq?.raw_truncated).toBe(true);
    expect(dlq?.size_bytes).toBe(huge.length);
    expect(Buffer.from(dlq?.raw_base64 ?? '', 'base64').length).toBe(DLQ_RAW_MAX_BYTES);
    expect(sink.records('dlq')[0]?.value?.length).toBeLessThan(768 * 1024);
  });

  it('retries outputs until the sink accepts them: a chunk the engine applied is never skipped', async () => {
    const { sink, processor, registry } = setup();
    sink.failNext = true;
    const stats = await processor.process([rec(makeEvent({ session_id: 's1', action: { tool: 'bad.tool' } }))]);
    expect(stats.findings).toBe(1);
    expect(sink.records('signals').map((r) => r.key)).toEqual(['s1']);
    expect(sink.records('findings')).toHaveLength(1);
    expect(await counter(registry, 'chainwatch_processor_output_retries_total')).toBe(1);
  });

  it('abandons retries at close and then refuses to checkpoint past the lost outputs', async () => {
    const { sink, processor } = setup();
    sink.send = async () => {
      throw new Error('broker gone');
    };
    const pending = processor.process([rec(makeEvent({ session_id: 's1' }))]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await processor.close();
    await expect(pending).rejects.toThrow('broker gone');
    await expect(processor.flush()).rejects.toThrow(/abandoned/);
  });

  it('evicts idle traces and tombstones their checkpoint on the partition it was written to', async () => {
    const { sink, processor, engine } = setup({ idleMs: 1000 });
    const t0 = Date.now();
    await processor.process([
      rec(makeEvent({ session_id: 'old', trace_id: 'trace-old', ts: t0 - 10_000 }), 4, 'trace-old'),
      rec(makeEvent({ session_id: 'new', trace_id: 'trace-new', ts: t0 }), 1, 'trace-new'),
    ]);
    expect(await processor.punctuate(t0)).toBe(1);
    const state = sink.records('state');
    expect(state[state.length - 1]).toEqual({ key: 'trace-old', value: null, partition: 4 });
    expect(engine.sessionCount).toBe(1);
    expect(await processor.punctuate(t0)).toBe(0);
  });

  it('evicts on stream time, so a replay of old events does not evict (and reset) its sessions', async () => {
    const { processor } = setup({ idleMs: 60_000 });
    const old = Date.now() - 10 * 24 * 3600_000;
    await processor.process([rec(makeEvent({ session_id: 'replayed', trace_id: 'trace-old', ts: old }))]);
    expect(Math.abs(processor.streamTime() - old)).toBeLessThan(5_000);
    expect(await processor.punctuate(processor.streamTime())).toBe(0);
    // A timestamp far in the future does not move stream time.
    await processor.process([rec(makeEvent({ session_id: 'skewed', trace_id: 'trace-future', ts: Date.now() + 24 * 3600_000 }))]);
    expect(processor.streamTime()).toBeLessThan(Date.now());
  });

  it('never tombstones traces of partitions it no longer owns', async () => {
    const { sink, processor } = setup({ idleMs: 1000 });
    const t0 = Date.now();
    await processor.process([
      rec(makeEvent({ session_id: 'a', trace_id: 'trace-p0', ts: t0 - 10_000 }), 0, 'trace-p0'),
      rec(makeEvent({ session_id: 'b', trace_id: 'trace-p1', ts: t0 - 10_000 }), 1, 'trace-p1'),
    ]);
    expect(processor.revokePartitions([1])).toBe(1);
    expect(await processor.punctuate(t0)).toBe(2);
    const tombstones = sink.records('state').filter((r) => r.value === null);
    expect(tombstones).toEqual([{ key: 'trace-p0', value: null, partition: 0 }]);
  });

  it('restores checkpoints (skipping tombstones) so counts continue', async () => {
    const first = setup();
    const e1 = makeEvent({ session_id: 's', trace_id: 'trace-r' });
    await first.processor.process([rec(e1, 2, 'trace-r')]);
    await first.processor.flush();
    const checkpoint = first.sink.records('state')[0]?.value ?? null;

    const second = setup();
    const restored = await second.processor.restore([
      { traceId: 'trace-r', partition: 2, checkpoint },
      { traceId: 'trace-gone', partition: 2, checkpoint: null },
    ]);
    expect(restored).toBe(1);
    expect(second.engine.restoredTraces).toEqual(['trace-r']);
    const stats = await second.processor.process([rec(e1, 2, 'trace-r'), rec(makeEvent({ session_id: 's', trace_id: 'trace-r' }), 2, 'trace-r')]);
    expect(stats).toMatchObject({ processed: 1, duplicates: 1 });
    const signal = JSON.parse(second.sink.records('signals')[0]?.value ?? '') as RiskSignal;
    expect(signal.seq).toBe(2);
  });
});

describe('attachProcessorToLocalLog', () => {
  it('processes the in-process log and resumes from its checkpoints after a restart', async () => {
    const log = new MemoryLog({ retryMs: 10 });
    const make = () =>
      new SessionProcessor({ engine: new CountingEngine(), sink: localLogSink(log), logger, topics: TOPICS, punctuateIntervalMs: 0 });
    const events = [1, 2, 3].map(() => makeEvent({ session_id: 'mem', trace_id: 'trace-mem' }));
    const sub = await attachProcessorToLocalLog(log, make());
    await log.publish('in', events.slice(0, 2).map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })));
    await log.idle();
    await sub.close();
    const seqs = () => log.records('signals').map((r) => (JSON.parse(r.value.toString()) as RiskSignal).seq);
    expect(seqs()[seqs().length - 1]).toBe(2);

    // A new processor with an empty engine: restored from the state topic, the replayed records
    // are duplicates, and the third event continues the count.
    const sub2 = await attachProcessorToLocalLog(log, make());
    await log.publish('in', [{ key: 'trace-mem', value: JSON.stringify(events[2]) }]);
    await log.idle();
    await sub2.close();
    expect(seqs()[seqs().length - 1]).toBe(3);
    expect(Math.max(...seqs())).toBe(3);
  });
});
