/**
 * The transport seam between services: they publish records to a RecordLog and consume from it.
 * In production it is Kafka (KafkaRecordLog); in `chainwatch start` it is a LocalLog: the durable
 * ClickHouseLog (@chainwatch/clickhouse), or the in-memory MemoryLog in tests.
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
  /** Resolves once the records are durably accepted (Kafka: acks=all; ClickHouseLog: on disk; memory: appended). */
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

/** What a handler may do besides returning. */
export interface HandlerContext {
  /**
   * Everything of `record`'s topic up to `record` is handled: a durable log resumes after it
   * after a crash, even if the handler fails later in the batch. A no-op where nothing is durable.
   */
  commit(record: LogRecord): Promise<void>;
}

/** Handles one delivered batch; resolving marks it handled, throwing has it delivered again. */
export type RecordHandler = (records: readonly LogRecord[], context: HandlerContext) => Promise<void>;

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * A durable log keeps each group's position per topic and resumes after it. Without a group, or
   * for a group it has no position for, `fromBeginning` decides where delivery starts.
   */
  readonly group?: string;
  /** Start from the oldest record kept (true) or only from records published from now on (false). */
  readonly fromBeginning?: boolean;
  /** Records per delivered batch at most (default 500). */
  readonly maxRecords?: number;
}

/**
 * The in-process log of the all-in-one mode: publish, subscribe in order with at-least-once
 * delivery, read the latest value per key of a compacted topic, and say how far behind the
 * subscribers are (readiness and ingestion backpressure).
 */
export interface LocalLog extends RecordPublisher {
  subscribe(topics: readonly string[], handler: RecordHandler, options?: SubscribeOptions): Subscription | Promise<Subscription>;
  /** The latest value per key of `topic` (null: a tombstone). */
  latest(topic: string): Promise<ReadonlyMap<string, Buffer | null>>;
  /** Records of `topic` published and not yet handled by `group` (default: by its slowest subscriber). */
  backlog(topic: string, group?: string): number;
  /** Resolves when every subscriber has handled everything published so far. */
  idle(): Promise<void>;
}
