import type { LogRecord, OutgoingRecord, RecordPublisher } from '@chainwatch/kafka';

/** Log records for `values` on one partition, offsets from `firstOffset`. */
export function logRecords(topic: string, values: readonly unknown[], options: { partition?: number; firstOffset?: number } = {}): LogRecord[] {
  const partition = options.partition ?? 0;
  const first = options.firstOffset ?? 0;
  return values.map((v, i) => ({
    topic,
    partition,
    offset: String(first + i),
    key: null,
    value: Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
    timestamp: Date.now(),
  }));
}

/** A RecordPublisher that keeps what it was given (our own collaborator, not the broker). */
export class CollectingPublisher implements RecordPublisher {
  readonly published: { topic: string; record: OutgoingRecord }[] = [];
  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    for (const record of records) this.published.push({ topic, record });
  }
}
