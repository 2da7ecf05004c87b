import { retry, type RetryPolicy } from '@chainwatch/runtime';
import type { HandlerContext, LocalLog, LogRecord, OutgoingRecord, RecordHandler, SubscribeOptions, Subscription } from './record-log';

interface Subscriber {
  readonly topics: ReadonlySet<string>;
  readonly group: string | undefined;
  readonly maxRecords: number;
  readonly handler: RecordHandler;
  readonly queue: LogRecord[];
  running: Promise<void> | null;
  closed: boolean;
}

const NO_COMMIT: HandlerContext = { commit: async () => undefined };

/**
 * In-memory LocalLog for tests and tools: one partition per topic, records kept in memory up to
 * `retain` per topic, delivered to subscribers in order, one batch at a time. A subscriber whose
 * handler throws gets the same batch again after `retryMs` (at-least-once, like a consumer that
 * did not commit). Nothing survives the process: `chainwatch start` uses the durable ClickHouseLog.
 */
export class MemoryLog implements LocalLog {
  private readonly topics = new Map<string, { records: LogRecord[]; next: bigint }>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly options: { retain?: number; retryMs?: number } = {}) {}

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const log = this.topic(topic);
    const appended: LogRecord[] = [];
    for (const r of records) {
      const rec: LogRecord = {
        topic,
        partition: 0,
        offset: (log.next++).toString(),
        key: r.key,
        value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
        timestamp: Date.now(),
      };
      log.records.push(rec);
      appended.push(rec);
    }
    const retain = this.options.retain ?? 10_000;
    if (log.records.length > retain) log.records.splice(0, log.records.length - retain);
    for (const sub of this.subscribers) {
      if (!sub.topics.has(topic) || sub.closed) continue;
      sub.queue.push(...appended);
      this.drain(sub);
    }
  }

  /** Deliver records of `topics` published from now on (and, with fromBeginning, those retained). */
  subscribe(topics: readonly string[], handler: RecordHandler, options: SubscribeOptions = {}): Subscription {
    const sub: Subscriber = { topics: new Set(topics), group: options.group, maxRecords: options.maxRecords ?? 500, handler, queue: [], running: null, closed: false };
    if (options.fromBeginning) for (const t of topics) sub.queue.push(...this.topic(t).records);
    this.subscribers.add(sub);
    this.drain(sub);
    return {
      close: async () => {
        sub.closed = true;
        this.subscribers.delete(sub);
        await sub.running;
      },
    };
  }

  /** Records retained for a topic (newest last). */
  records(topic: string): readonly LogRecord[] {
    return this.topic(topic).records;
  }

  /** Records published but not yet handled by every subscriber of `topic`. */
  pending(topic: string): number {
    let n = 0;
    for (const s of this.subscribers) if (s.topics.has(topic)) n += s.queue.length;
    return n;
  }

  backlog(topic: string, group?: string): number {
    let n = 0;
    for (const s of this.subscribers) {
      if (!s.topics.has(topic) || (group !== undefined && s.group !== group)) continue;
      let mine = 0;
      for (const r of s.queue) if (r.topic === topic) mine++;
      n = Math.max(n, mine);
    }
    return n;
  }

  /** The latest retained value per key (an empty value is a tombstone). */
  async latest(topic: string): Promise<ReadonlyMap<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    for (const r of this.topic(topic).records) if (r.key !== null) out.set(r.key, r.value.length === 0 ? null : r.value);
    return out;
  }

  /** Resolves when every subscriber has handled everything published so far. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.subscribers].filter((s) => s.running !== null || s.queue.length > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.running ?? Promise.resolve()));
    }
  }

  private topic(name: string): { records: LogRecord[]; next: bigint } {
    let log = this.topics.get(name);
    if (!log) {
      log = { records: [], next: 0n };
      this.topics.set(name, log);
    }
    return log;
  }

  private drain(sub: Subscriber): void {
    if (sub.running || sub.queue.length === 0 || sub.closed) return;
    sub.running = (async () => {
      // A failed batch is handed over again (cut again: records may have arrived meanwhile) until handled or closed.
      const retryMs = this.options.retryMs ?? 1000;
      const policy: RetryPolicy = { attempts: Infinity, initialMs: retryMs, factor: 1, maxMs: retryMs, jitter: 0 };
      while (sub.queue.length > 0 && !sub.closed) {
        const handled = await retry(
          async () => {
            const batch = sub.queue.slice(0, sub.maxRecords);
            await sub.handler(batch, NO_COMMIT);
            return batch.length;
          },
          { policy, retriable: () => !sub.closed },
        ).catch(() => 0);
        sub.queue.splice(0, handled);
      }
    })().finally(() => {
      sub.running = null;
      if (sub.queue.length > 0 && !sub.closed) this.drain(sub);
    });
  }
}
