import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { DetectionEngine } from '@chainwatch/core';
import { pollUntil, retry, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import { RiskSignal, TOPICS } from '@chainwatch/schemas';
import type { LiveView } from './live-view';

/** Waiting for the signal topic to be readable: every 500 ms until it is, or the view closes. */
const TOPIC_WAIT: RetryPolicy = { attempts: Infinity, initialMs: 500, factor: 1, maxMs: 500, jitter: 0 };

export interface KafkaSignalViewOptions {
  readonly kafka: Kafka;
  readonly engine: DetectionEngine;
  readonly logger?: Logger;
  /** Defaults to chainwatch.risk-signals (compacted, key session_id). */
  readonly topic?: string;
  /** How often the view compares its position with the topic's high watermarks. Default 1000 ms. */
  readonly checkIntervalMs?: number;
  /** Called after each valid signal is loaded (metrics, tests). */
  readonly onSignal?: (signal: RiskSignal) => void;
}

interface Target {
  readonly highs: ReadonlyMap<number, bigint>;
  readonly at: number;
}

/**
 * Live view fed by the compacted risk-signal topic. Every instance reads the whole topic from the
 * beginning with its own throwaway consumer group (it never commits), loading each signal into the
 * engine (newer seq wins). Freshness is measured, not assumed: every `checkIntervalMs` the view
 * reads the topic's high watermarks; once its consumed position reaches them, the view is known to
 * be current as of the moment they were read. `ready()` turns true the first time that happens;
 * `ageMs()` is the time since the last such confirmation, so a stuck consumer or an unreachable
 * broker shows up as a growing age, never as a silently old answer.
 */
export class KafkaSignalView implements LiveView {
  readonly engine: DetectionEngine;
  private readonly topic: string;
  private readonly positions = new Map<number, bigint>();
  private pending: Target | null = null;
  private currentAt: number | null = null;
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private checking = false;
  private booted: Promise<void> | null = null;
  /** Signals loaded and records skipped as invalid, since start. */
  loaded = 0;
  invalid = 0;

  constructor(private readonly options: KafkaSignalViewOptions) {
    this.engine = options.engine;
    this.topic = options.topic ?? TOPICS.riskSignals;
  }

  /** Start consuming in the background; resolves once the consumer runs (not once caught up). */
  start(): Promise<void> {
    this.booted ??= this.boot();
    return this.booted;
  }

  /** Resolves once the view has caught up with the high watermarks, or rejects after timeoutMs. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    if (!(await pollUntil(() => this.ready(), { timeoutMs, intervalMs: 25 }))) throw new Error(`risk-signal view not caught up after ${timeoutMs} ms`);
  }

  ready(): boolean {
    return this.currentAt !== null;
  }

  ageMs(now: number): number | null {
    return this.currentAt === null ? null : Math.max(0, now - this.currentAt);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // Disconnecting the admin first cuts short a boot still waiting for the topic.
    await this.admin?.disconnect().catch(() => undefined);
    await this.booted?.catch(() => undefined);
    await Promise.allSettled([this.consumer?.disconnect(), this.admin?.disconnect()]);
  }

  private async boot(): Promise<void> {
    const { kafka, logger } = this.options;
    // No client-side retries: the periodic check is the retry, and a failing check must show as age.
    this.admin = kafka.admin({ retry: { retries: 0 } });
    await this.admin.connect();
    // The topic is created by whoever owns it (processor / start-up admin); wait for it, never auto-create.
    const readable = await retry(() => this.check(), {
      policy: TOPIC_WAIT,
      retriable: () => !this.closed,
      onRetry: (err, failures) => {
        if (failures % 10 === 1) logger?.warn({ topic: this.topic, err: errorText(err) }, 'risk-signal view: topic not readable yet');
      },
    }).then(
      () => true,
      () => false,
    );
    if (this.closed || !readable) return;
    this.consumer = kafka.consumer({
      groupId: `chainwatch-decision-api-view-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      // The view stops confirming itself current: its age grows and decisions go to the fail modes.
      logger?.error({ topic: this.topic, restart: event.payload.restart, err: errorText(event.payload.error) }, 'risk-signal view consumer crashed');
    });
    // Batches made only of records the client filters out (compacted away, transaction markers)
    // never reach eachBatch; their end-of-batch event still moves the position forward.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (event) => {
      if (event.payload.topic !== this.topic) return;
      this.advance(event.payload.partition, BigInt(event.payload.lastOffset) + 1n);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (!message.value) continue;
          this.load(message.value);
        }
        this.advance(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
    if (this.closed) return;
    const interval = this.options.checkIntervalMs ?? 1000;
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => logger?.warn({ err: errorText(err) }, 'risk-signal view: watermark check failed'));
    }, interval);
    this.timer.unref();
    logger?.info({ topic: this.topic }, 'risk-signal view consuming');
  }

  /** Read the high watermarks; the view is current as of now once its positions reach them. */
  private async check(): Promise<void> {
    if (this.closed || this.checking || !this.admin) return;
    this.checking = true;
    try {
      const at = Date.now();
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      const highs = new Map<number, bigint>();
      for (const o of offsets) {
        highs.set(o.partition, BigInt(o.high));
        // An empty (or fully truncated) partition has nothing to read.
        if (o.high === o.low && !this.positions.has(o.partition)) this.positions.set(o.partition, BigInt(o.high));
      }
      if (this.pending === null || this.pending.at < at) this.pending = { highs, at };
      this.settlePending();
    } finally {
      this.checking = false;
    }
  }

  private advance(partition: number, next: bigint): void {
    const prev = this.positions.get(partition);
    if (prev === undefined || next > prev) this.positions.set(partition, next);
    this.settlePending();
  }

  private settlePending(): void {
    const target = this.pending;
    if (target && this.positionsCover(target.highs)) {
      this.pending = null;
      this.markCurrent(target.at);
    }
  }

  private positionsCover(highs: ReadonlyMap<number, bigint>): boolean {
    if (highs.size === 0) return false;
    for (const [partition, high] of highs) {
      const pos = this.positions.get(partition);
      if (pos === undefined || pos < high) return false;
    }
    return true;
  }

  private markCurrent(at: number): void {
    if (this.currentAt === null || at > this.currentAt) this.currentAt = at;
  }

  private load(value: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      this.invalid++;
      return;
    }
    const parsed = RiskSignal.safeParse(json);
    if (!parsed.success) {
      this.invalid++;
      this.options.logger?.debug({ topic: this.topic }, 'risk-signal view: skipped an invalid signal');
      return;
    }
    try {
      this.options.engine.loadSignal(parsed.data);
    } catch (err) {
      // A digest the engine cannot adopt (another state version): skip it, keep the stream going.
      this.invalid++;
      this.options.logger?.warn({ session_id: parsed.data.session_id, err: errorText(err) }, 'risk-signal view: signal not adoptable');
      return;
    }
    this.loaded++;
    this.options.onSignal?.(parsed.data);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
