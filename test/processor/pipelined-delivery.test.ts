/**
 * The processor pipelines chunks: the engine works on the next chunk while the sink is still
 * accepting the previous chunk's outputs. Outputs and checkpoints must still reach the sink in
 * order, a checkpoint only after the outputs of every event it holds, and nothing after an
 * abandoned delivery.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@chainwatch/runtime';
import { SessionProcessor, type InputRecord, type ProcessorSink, type TopicRecords } from '@chainwatch/session-processor';
import { makeEvent } from '@chainwatch/testing';
import { CountingEngine } from './counting-engine';

const logger = createLogger({ name: 'pipelined-test', level: 'silent' });
const TOPICS = { actions: 'in', dlq: 'dlq', riskSignals: 'signals', findings: 'findings', sessionState: 'state', approvals: 'approvals' };

/** A sink whose sends complete only when the test releases them, one at a time, in order. */
class GatedSink implements ProcessorSink {
  readonly started: string[] = [];
  readonly accepted: string[] = [];
  private gates: Array<{ release: () => void; fail: (err: Error) => void }> = [];
  async send(batches: readonly TopicRecords[]): Promise<void> {
    const label = batches.map((b) => `${b.topic}:${b.records.length}`).join(',');
    this.started.push(label);
    await new Promise<void>((release, fail) => this.gates.push({ release, fail }));
    this.accepted.push(label);
  }
  get waiting(): number {
    return this.gates.length;
  }
  release(): void {
    this.gates.shift()?.release();
  }
  fail(): void {
    this.gates.shift()?.fail(new Error('broker down'));
  }
}

let offset = 0;
const rec = (sessionId: string, n: number): InputRecord => ({
  topic: 'in',
  partition: 0,
  offset: String(offset++),
  key: `trace-${sessionId}`,
  value: Buffer.from(JSON.stringify(makeEvent({ session_id: sessionId, trace_id: `trace-${sessionId}`, ts: 1_700_000_000_000 + n }))),
});

const tick = () => new Promise((r) => setImmediate(r));

describe('SessionProcessor pipelining', () => {
  it('runs the next chunk while the previous one is being delivered, yet delivers outputs and checkpoints in order', async () => {
    const engine = new CountingEngine();
    const sink = new GatedSink();
    const processor = new SessionProcessor({ engine, sink, logger, topics: TOPICS, punctuateIntervalMs: 0, retryBaseMs: 1 });

    const first = processor.process([rec('a', 1), rec('a', 2)]);
    const second = processor.process([rec('b', 1)]);
    await tick();
    // Both chunks went through the engine although the first one's outputs are not accepted yet.
    expect([...engine.sessions.values()].reduce((n, x) => n + x.seen.length, 0)).toBe(3);
    expect(sink.started).toEqual(['signals:1']);

    let checkpointed = false;
    const flushed = processor.flush().then(() => (checkpointed = true));
    await tick();
    // Still only the first send in flight: the second chunk and the checkpoint wait behind it.
    expect(sink.started).toEqual(['signals:1']);

    sink.release();
    await first;
    await tick();
    expect(sink.started).toEqual(['signals:1', 'signals:1']);
    expect(checkpointed).toBe(false);

    sink.release();
    await second;
    await tick();
    expect(sink.started.at(-1)).toBe('state:2');
    expect(checkpointed).toBe(false);
    sink.release();
    await flushed;
    expect(sink.accepted).toEqual(['signals:1', 'signals:1', 'state:2']);
    await processor.close();
  });

  it('sends nothing queued behind a delivery abandoned at close, and never checkpoints past it', async () => {
    const engine = new CountingEngine();
    const sink = new GatedSink();
    const processor = new SessionProcessor({ engine, sink, logger, topics: TOPICS, punctuateIntervalMs: 0, retryBaseMs: 1 });

    const first = processor.process([rec('c', 1)]);
    const second = processor.process([rec('d', 1)]);
    await tick();
    sink.fail(); // the first send fails; the processor retries it
    for (let i = 0; i < 20 && sink.waiting === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sink.waiting).toBe(1);

    const closing = processor.close();
    sink.fail(); // the retry fails too, now while closing: abandoned
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
    await closing;
    expect(sink.accepted).toEqual([]);
    expect(sink.started.every((s) => s.startsWith('signals:'))).toBe(true);
    await expect(processor.flush()).rejects.toThrow(/abandoned/);
  });
});
