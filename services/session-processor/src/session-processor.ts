import { approvalFromEvent, type DetectionEngine, type ObserveResult } from '@chainwatch/core';
import { ApprovalEvent, type Finding } from '@chainwatch/schemas';
import { SerialQueue, retry, retryPolicy, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import { decodeEvent, dlqRecord, type InputRecord } from './event-decoder';
import type { ProcessorMetrics } from './metrics';
import type { OutputRecord, ProcessorSink, TopicRecords } from './processor-sink';
import { DEFAULT_TOPICS, PROCESSOR_DEFAULTS, type ProcessorTopics } from './config';

/** How far ahead of the wall clock an event time may be and still advance stream time. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SessionProcessorOptions {
  readonly engine: DetectionEngine;
  readonly sink: ProcessorSink;
  readonly logger: Logger;
  readonly metrics?: ProcessorMetrics;
  readonly topics?: Partial<ProcessorTopics>;
  readonly maxEventBytes?: number;
  /** Idle-eviction period; 0 disables the punctuator (callers may call punctuate() themselves). */
  readonly punctuateIntervalMs?: number;
  /** Wall clock (injectable for tests). */
  readonly now?: () => number;
  /** First retry delay when the sink fails (doubles up to 10 s: PROCESSOR_DEFAULTS.retry.outputs). */
  readonly retryBaseMs?: number;
}

/** A checkpoint as read back from the session-state topic (latest value per trace). */
export interface StateEntry {
  readonly traceId: string;
  readonly partition: number;
  /** null: tombstone (trace evicted). */
  readonly checkpoint: string | null;
}

export interface ProcessStats {
  readonly processed: number;
  readonly duplicates: number;
  readonly invalid: number;
  readonly findings: number;
}

/**
 * The stateful stream processor, transport-agnostic (Kafka Streams vocabulary: init / process /
 * punctuate / close). It turns raw agent.actions records into risk signals, findings, DLQ records
 * and per-trace checkpoints, handed to a sink. Chunks are processed one at a time: process() and
 * punctuate() never interleave, so a tombstone can never overtake a newer checkpoint.
 */
export class SessionProcessor {
  readonly topics: ProcessorTopics;
  private readonly engine: DetectionEngine;
  private readonly sink: ProcessorSink;
  private readonly logger: Logger;
  private readonly metrics: ProcessorMetrics | undefined;
  private readonly maxEventBytes: number;
  private readonly punctuateIntervalMs: number;
  private readonly now: () => number;
  private readonly outputRetry: RetryPolicy;
  /** trace_id → input partition it was last seen on (for checkpoint and tombstone placement). */
  private readonly tracePartitions = new Map<string, number>();
  /** Traces changed since the last flush(), with their input partition. */
  private readonly dirty = new Map<string, number>();
  /** process(), flush(), punctuate(), restore() and approvals run one at a time. */
  private readonly sections = new SerialQueue();
  /** Outputs are handed to the sink one request after another, in the order they were produced. */
  private readonly deliveries = new SerialQueue();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Aborted by close(): cuts a retry's wait short. */
  private readonly closing = new AbortController();
  /** A chunk's outputs were abandoned at close: its state must never be checkpointed. */
  private poisoned = false;
  /** Stream time: the newest plausible event ts seen, and the wall clock when it was seen. */
  private streamTs = 0;
  private streamWall = 0;

  constructor(options: SessionProcessorOptions) {
    this.engine = options.engine;
    this.sink = options.sink;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.topics = { ...DEFAULT_TOPICS, ...options.topics };
    this.maxEventBytes = options.maxEventBytes ?? PROCESSOR_DEFAULTS.maxEventBytes;
    this.punctuateIntervalMs = options.punctuateIntervalMs ?? PROCESSOR_DEFAULTS.punctuateIntervalMs;
    this.now = options.now ?? Date.now;
    this.outputRetry = retryPolicy(PROCESSOR_DEFAULTS.retry.outputs, options.retryBaseMs !== undefined ? { initialMs: options.retryBaseMs } : {});
  }

  /** Starts the punctuator. State restore is separate (restore()), driven by the runner on assignment. */
  init(): void {
    if (this.punctuateIntervalMs > 0 && this.timer === null) {
      this.timer = setInterval(() => {
        if (this.closed) return;
        this.punctuate(this.streamTime()).catch((err: unknown) => this.logger.error({ err }, 'idle eviction failed'));
      }, this.punctuateIntervalMs);
      this.timer.unref();
    }
    this.metrics?.sessionsHeld.set(this.engine.sessionCount);
  }

  /**
   * The time idle eviction runs at: the newest event time seen, advanced by the wall clock since
   * it was seen. Live traffic: the wall clock. A replay of old events: their own time, so sessions
   * are not evicted (and their risk reset) just because their timestamps are old. Event times more
   * than MAX_CLOCK_SKEW_MS ahead of the wall clock are ignored, so one bad timestamp cannot
   * evict everything.
   */
  streamTime(): number {
    const wall = this.now();
    return this.streamTs === 0 ? wall : this.streamTs + (wall - this.streamWall);
  }

  /** Number of traces this instance owns (checkpointed or to be). */
  get traceCount(): number {
    return this.tracePartitions.size;
  }

  /**
   * Processes a chunk of input records; resolves once its signals, findings and DLQ records are
   * accepted by the sink. Checkpoints of the traces it changed are written by the next flush():
   * call flush() before committing the chunk's input offsets.
   *
   * Pipelined: the engine work of the next chunk may start as soon as this chunk's outputs are
   * handed to the sink (while the broker acknowledges them). Outputs and checkpoints still reach
   * the sink strictly in order, so a checkpoint is never accepted before the outputs of the events
   * it holds.
   */
  process(records: readonly InputRecord[]): Promise<ProcessStats> {
    const delivered = this.exclusive(async () => ({ delivered: this.processChunk(records) })).then((chunk) => chunk.delivered);
    // The caller may await an earlier chunk first; a failure here must not count as unhandled meanwhile.
    delivered.catch(() => undefined);
    return delivered;
  }

  /**
   * Writes one checkpoint per trace changed since the last flush (Kafka Streams' commit: the
   * changelog is written before the input offsets are committed). Resolves once accepted.
   */
  flush(): Promise<number> {
    return this.exclusive(async () => {
      if (this.poisoned) throw new Error('outputs of a processed chunk were abandoned at close; refusing to checkpoint past them');
      if (this.dirty.size === 0) return 0;
      const out: OutputRecord[] = [];
      for (const [traceId, partition] of this.dirty) {
        const checkpoint = this.engine.checkpoint(traceId);
        if (checkpoint === null) continue;
        this.tracePartitions.set(traceId, partition);
        out.push({ key: traceId, value: checkpoint, partition });
      }
      if (out.length > 0) await this.enqueueDelivery([{ topic: this.topics.sessionState, records: out }]);
      this.dirty.clear();
      return out.length;
    });
  }

  /**
   * A human answer to a step-up, as read from the approvals topic (every instance reads all of
   * it). Recorded in the session's state when this instance holds the session (its trace is
   * checkpointed by the next flush, and its next signal carries it), otherwise kept by the engine
   * until the session appears. Idempotent: the topic is read again from the start after a restart.
   * Invalid records are logged and counted, never thrown.
   */
  applyApproval(value: Buffer | string): Promise<'session' | 'pending_or_known' | 'invalid'> {
    return this.exclusive(async () => {
      let parsed: ReturnType<typeof ApprovalEvent.safeParse>;
      try {
        parsed = ApprovalEvent.safeParse(JSON.parse(typeof value === 'string' ? value : value.toString('utf8')));
      } catch {
        parsed = ApprovalEvent.safeParse(undefined);
      }
      if (!parsed.success) {
        this.logger.warn({ issue: parsed.error.issues[0]?.message }, 'invalid approval record skipped');
        this.metrics?.approvals.inc({ applied: 'invalid' });
        return 'invalid';
      }
      const a = parsed.data;
      const record = approvalFromEvent(a);
      const changed = record !== null && this.engine.recordApproval(record);
      const partition = a.trace_id === null ? undefined : this.tracePartitions.get(a.trace_id);
      if (changed && a.trace_id !== null && partition !== undefined) this.dirty.set(a.trace_id, partition);
      const where = changed ? 'session' : 'pending_or_known';
      this.metrics?.approvals.inc({ applied: where });
      return where;
    });
  }

  /** Traces with changes not yet checkpointed. */
  get pendingCheckpoints(): number {
    return this.dirty.size;
  }

  /** Evicts sessions idle as of `now` and tombstones the traces dropped entirely. */
  punctuate(now: number): Promise<number> {
    return this.exclusive(async () => {
      const dropped = this.engine.evictIdle(now);
      this.metrics?.sessionsHeld.set(this.engine.sessionCount);
      if (dropped.length === 0) return 0;
      const tombstones: OutputRecord[] = [];
      for (const traceId of dropped) {
        this.dirty.delete(traceId);
        const partition = this.tracePartitions.get(traceId);
        // Only traces this instance owns: a trace of a revoked partition now belongs to another
        // instance, and a tombstone from here would delete that instance's checkpoint.
        if (partition === undefined) continue;
        this.tracePartitions.delete(traceId);
        tombstones.push({ key: traceId, value: null, partition });
      }
      this.metrics?.tracesEvicted.inc(dropped.length);
      if (tombstones.length === 0) return dropped.length;
      await this.enqueueDelivery([{ topic: this.topics.sessionState, records: tombstones }]);
      this.logger.debug({ traces: dropped.length, sessions: this.engine.sessionCount }, 'evicted idle traces');
      return dropped.length;
    });
  }

  /** Adopts checkpoints read back from the state topic (latest per trace; tombstones skipped). */
  restore(entries: Iterable<StateEntry>): Promise<number> {
    return this.exclusive(async () => {
      let restored = 0;
      for (const entry of entries) {
        if (entry.checkpoint === null) continue;
        try {
          this.engine.restore(entry.checkpoint);
          this.tracePartitions.set(entry.traceId, entry.partition);
          restored++;
        } catch (err) {
          // A checkpoint the engine cannot read (e.g. written by an incompatible version) must not
          // block the partition: the trace restarts from zero and the problem is visible in logs.
          this.logger.error({ err, trace_id: entry.traceId }, 'could not restore checkpoint; trace starts afresh');
        }
      }
      this.metrics?.tracesRestored.inc(restored);
      this.metrics?.sessionsHeld.set(this.engine.sessionCount);
      return restored;
    });
  }

  /**
   * Forgets the traces of input partitions this instance no longer owns (after a rebalance), so
   * it never writes checkpoints or tombstones for them again. Their engine state ages out by
   * idle eviction; if a partition comes back, restore() replaces it with the latest checkpoint.
   */
  revokePartitions(partitions: Iterable<number>): number {
    const revoked = new Set(partitions);
    let dropped = 0;
    for (const [traceId, partition] of this.tracePartitions) {
      if (revoked.has(partition)) {
        this.tracePartitions.delete(traceId);
        dropped++;
      }
    }
    for (const [traceId, partition] of this.dirty) if (revoked.has(partition)) this.dirty.delete(traceId);
    return dropped;
  }

  /**
   * Stops the punctuator, ends output retries, waits for the chunk in flight and writes the
   * checkpoints still pending (unless a chunk's outputs had to be abandoned: then its state must
   * be rebuilt by replay, not checkpointed).
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closing.abort();
    await this.sections.idle();
    await this.deliveries.idle();
    if (this.poisoned) {
      this.logger.warn('closing with unpublished outputs; the next owner replays them from the last commit');
      return;
    }
    try {
      await this.flush();
    } catch (err) {
      this.logger.warn({ err }, 'final checkpoint failed; the next owner replays from the last commit');
    }
  }

  /**
   * Hands outputs to the sink, retrying with backoff until they are accepted. The engine has
   * already applied the chunk, so giving up here and moving on would lose its signals and
   * findings for good (a replay would see only duplicates). Only close() ends the retries; the
   * chunk's offsets are then never committed and the next owner replays it from the last
   * checkpoint.
   */
  private async deliver(batches: readonly TopicRecords[]): Promise<void> {
    try {
      await retry(() => this.sink.send(batches), {
        policy: this.outputRetry,
        retriable: () => !this.closed,
        signal: this.closing.signal,
        onRetry: (err, failures, delay) => {
          this.metrics?.outputRetries.inc();
          // The stream stalls here rather than drop outputs; after a few attempts that is an error
          // an operator must see (broker down, ACLs, a topic deleted).
          const log = failures > 5 ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
          log({ err, attempt: failures, retry_in_ms: delay }, 'producing outputs failed; retrying, input is stalled');
        },
      });
    } catch (err) {
      if (this.closed) this.poisoned = true;
      throw err;
    }
  }

  /**
   * Queues outputs behind every output queued before them; resolves once the sink accepted them.
   * After a delivery was abandoned (close during retries) nothing queued behind it is sent.
   */
  private enqueueDelivery(batches: readonly TopicRecords[]): Promise<void> {
    return this.deliveries.run(async () => {
      if (this.poisoned) throw new Error('an earlier chunk\'s outputs were abandoned at close; later outputs are not sent');
      if (batches.length > 0) await this.deliver(batches);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.sections.run(fn);
  }

  /** The engine work of a chunk (synchronous), then its outputs queued; the promise settles on delivery. */
  private processChunk(records: readonly InputRecord[]): Promise<ProcessStats> {
    const started = performance.now();
    const now = this.now();
    /**
     * The last observe() result of each session in the chunk: only that session's latest signal is
     * published, so it is built (and its state digest serialised) once per session per chunk, after
     * the chunk, instead of once per event. Read after the loop it is the session's state at the end
     * of the chunk (what the next checkpoint holds too).
     */
    const latest = new Map<string, ObserveResult>();
    const findings: Finding[] = [];
    const dlq: OutputRecord[] = [];
    let processed = 0;
    let duplicates = 0;
    let lastTs = 0;

    for (const record of records) {
      const decoded = decodeEvent(record.value, this.maxEventBytes);
      if (!decoded.ok) {
        dlq.push({ key: record.key, value: JSON.stringify(dlqRecord(record, decoded, now)) });
        this.metrics?.eventsInvalid.inc({ reason: decoded.reason });
        continue;
      }
      const event = decoded.event;
      let result;
      try {
        result = this.engine.observe(event);
      } catch (err) {
        // An event that breaks the engine is quarantined like invalid input: the stream goes on.
        this.logger.error({ err, event_id: event.event_id, session_id: event.session_id }, 'engine failed on event');
        const detail = err instanceof Error ? err.message.slice(0, 300) : 'engine error';
        dlq.push({ key: record.key, value: JSON.stringify(dlqRecord(record, { reason: 'processing_error', detail, issues: [] }, now)) });
        this.metrics?.eventsInvalid.inc({ reason: 'processing_error' });
        continue;
      }
      if (result.duplicate) {
        duplicates++;
        continue;
      }
      processed++;
      lastTs = event.ts;
      if (event.ts > this.streamTs && event.ts <= now + MAX_CLOCK_SKEW_MS) {
        this.streamTs = event.ts;
        this.streamWall = now;
      }
      latest.set(event.session_id, result);
      for (const f of result.findings) {
        findings.push(f);
        this.metrics?.findings.inc({ detector: f.detector, severity: f.severity });
      }
      this.dirty.set(event.trace_id, record.partition);
      if (!this.tracePartitions.has(event.trace_id)) this.tracePartitions.set(event.trace_id, record.partition);
    }

    const batches: TopicRecords[] = [];
    if (latest.size > 0) {
      const out: OutputRecord[] = [];
      for (const [sessionId, result] of latest) out.push({ key: sessionId, value: JSON.stringify(result.signal) });
      batches.push({ topic: this.topics.riskSignals, records: out });
    }
    if (findings.length > 0) {
      batches.push({ topic: this.topics.findings, records: findings.map((f) => ({ key: f.session_id, value: JSON.stringify(f) })) });
    }
    if (dlq.length > 0) batches.push({ topic: this.topics.dlq, records: dlq });
    const stats: ProcessStats = { processed, duplicates, invalid: dlq.length, findings: findings.length };
    return this.enqueueDelivery(batches).then(() => {
      if (this.metrics) {
        this.metrics.eventsProcessed.inc(processed);
        if (duplicates > 0) this.metrics.eventsDuplicate.inc(duplicates);
        this.metrics.sessionsHeld.set(this.engine.sessionCount);
        this.metrics.batchSeconds.observe((performance.now() - started) / 1000);
        if (lastTs > 0) this.metrics.eventLagSeconds.observe(Math.max(0, now - lastTs) / 1000);
      }
      return stats;
    });
  }
}
