import type { LogRecord, OutgoingRecord, RecordHandler, RecordPublisher, Subscription } from './record-log';

interface Subscriber {
  readonly topics: ReadonlySet<string>;
  readonly handler: RecordHandler;
  readonly queue: LogRecord[];
  running: Promise<void> | null;
  closed: boolean;
}

/**
 * In-process stand-in for Kafka in the all-in-one mode: one partition per topic, records kept in
 * memory up to `retain` per topic, delivered to subscribers in order, one batch at a time. A
 * subscriber whose handler throws gets the same batch again after `retryMs` (at-least-once, like a
 * consumer that did not commit).
 */
export class MemoryLog implements RecordPublisher {
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
  subscribe(topics: readonly string[], handler: RecordHandler, options: { fromBeginning?: boolean } = {}): Subscription {
    const sub: Subscriber = { topics: new Set(topics), handler, queue: [], running: null, closed: false };
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
      while (sub.queue.length > 0 && !sub.closed) {
        const batch = sub.queue.slice(0, 500);
        try {
          await sub.handler(batch);
          sub.queue.splice(0, batch.length);
        } catch {
          await new Promise((r) => setTimeout(r, this.options.retryMs ?? 1000));
        }
      }
    })().finally(() => {
      sub.running = null;
      if (sub.queue.length > 0 && !sub.closed) this.drain(sub);
    });
  }
}
