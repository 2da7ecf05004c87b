/**
 * The transport seam between services: they publish records to a RecordLog and consume from it.
 * In production it is Kafka (KafkaRecordLog); in `chainwatch start` it is the in-process MemoryLog.
 */
export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  /** Offset within the partition, as a decimal string (like kafkajs). */
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly timestamp: number;
}

export interface OutgoingRecord {
  readonly key: string | null;
  /** JSON text or raw bytes. */
  readonly value: string | Buffer;
}

export interface RecordPublisher {
  /** Resolves once the records are durably accepted (Kafka: acks=all; memory: appended). */
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

export type RecordHandler = (records: readonly LogRecord[]) => Promise<void>;

export interface Subscription {
  close(): Promise<void>;
}
