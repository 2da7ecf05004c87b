import type { RecordPublisher } from '@chainwatch/kafka';
import type { Logger } from '@chainwatch/runtime';
import { TOPICS, type ApprovalEvent, type DecisionRecord } from '@chainwatch/schemas';

export interface PublishQueueOptions {
  /** Records held while the publisher is slow or down; beyond it the oldest are dropped (and counted). */
  readonly maxBuffered?: number;
  /** Records per publish call. */
  readonly batchSize?: number;
  /** Wait before retrying a failed publish. */
  readonly retryMs?: number;
  /** close() waits at most this long for queued records (default 5 s); what is left is reported as lost. */
  readonly closeTimeoutMs?: number;
  readonly logger?: Logger;
  readonly onDrop?: (count: number) => void;
}

/**
 * Records published off the request path: queued and published in batches right after, in order,
 * retried while the publisher fails, bounded in memory. `flush()` waits until everything queued
 * so far is published.
 */
export class PublishQueue<T extends object> {
  private queue: T[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly publisher: RecordPublisher,
    private readonly topic: string,
    private readonly keyOf: (record: T) => string,
    private readonly options: PublishQueueOptions = {},
  ) {}

  append(record: T): void {
    this.queue.push(record);
    const max = this.options.maxBuffered ?? 50_000;
    if (this.queue.length > max) {
      const excess = this.queue.length - max;
      this.queue.splice(0, excess);
      this.dropped += excess;
      this.options.onDrop?.(excess);
      this.options.logger?.error({ topic: this.topic, dropped: excess }, 'publish queue full: oldest records dropped');
    }
    if (!this.running) this.running = this.drain();
  }

  /**
   * Publishes `record` now, after everything queued before it (so per-key order holds), and
   * resolves once the publisher accepted it. Rejects when the queue does not drain within
   * `timeoutMs` or the publish fails: then the record was not published.
   */
  async publishNow(record: T, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      if ((await Promise.race([this.flush().then(() => 'flushed' as const), deadline])) === 'timeout') {
        throw new Error(`${this.queue.length} earlier record(s) still unpublished after ${timeoutMs} ms`);
      }
      await this.publisher.publish(this.topic, [{ key: this.keyOf(record), value: JSON.stringify(record) }]);
    } finally {
      clearTimeout(timer);
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Publishes what is queued, waiting at most closeTimeoutMs: a broker that stays down must not
   * hold shutdown forever. Records still queued then are counted as dropped and logged.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.closeTimeoutMs ?? 5000);
    });
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    this.closed = true;
    if (outcome === 'timeout' && this.queue.length > 0) {
      const lost = this.queue.length;
      this.queue = [];
      this.dropped += lost;
      this.options.onDrop?.(lost);
      this.options.logger?.error({ topic: this.topic, dropped: lost }, 'publish queue closed with records the publisher never accepted');
    }
  }

  private async drain(): Promise<void> {
    // Start on the next turn of the event loop: records of requests handled meanwhile share a publish.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const topic = this.topic;
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, batchSize);
        try {
          await this.publisher.publish(
            topic,
            batch.map((r) => ({ key: this.keyOf(r), value: JSON.stringify(r) })),
          );
          // Drops may have shifted the queue while publishing: remove exactly what was sent.
          const sent = new Set(batch);
          let n = 0;
          while (n < this.queue.length && sent.has(this.queue[n] as T)) n++;
          this.queue.splice(0, n);
        } catch (err) {
          this.options.logger?.warn({ topic: this.topic, err: err instanceof Error ? err.message : String(err), pending: this.queue.length }, 'publish failed; retrying');
          if (this.closed) return;
          await new Promise((r) => setTimeout(r, this.options.retryMs ?? 500));
        }
      }
    } finally {
      this.running = null;
    }
  }
}

export interface DecisionLogOptions extends PublishQueueOptions {
  readonly topic?: string;
}

/** The decision log: chainwatch.decisions, key session_id. */
export class DecisionLog extends PublishQueue<DecisionRecord> {
  constructor(publisher: RecordPublisher, options: DecisionLogOptions = {}) {
    super(publisher, options.topic ?? TOPICS.decisions, (r) => r.session_id, options);
  }
}

/** Approval binding states: chainwatch.approvals, key binding id (compaction keeps the latest state). */
export class ApprovalLog extends PublishQueue<ApprovalEvent> {
  constructor(publisher: RecordPublisher, options: DecisionLogOptions = {}) {
    super(publisher, options.topic ?? TOPICS.approvals, (r) => r.binding, options);
  }
}
