/**
 * Where the processor's outputs go. One `send` carries every output of one chunk (signals,
 * findings, DLQ records, checkpoints) so a Kafka sink can produce them in a single request and
 * the caller commits input offsets only after it resolves.
 */
export interface OutputRecord {
  readonly key: string | null;
  /** null is a tombstone (compacted topics). */
  readonly value: string | null;
  /** Explicit partition; used for checkpoints so state partition i mirrors input partition i. */
  readonly partition?: number;
}

export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly OutputRecord[];
}

export interface ProcessorSink {
  /** Resolves once every record is durably accepted (Kafka: acks=all). */
  send(batches: readonly TopicRecords[]): Promise<void>;
}
