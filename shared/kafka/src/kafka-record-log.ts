import kafkajs from 'kafkajs';
import type { CompressionTypes, Kafka, Producer } from 'kafkajs';
import type { Logger } from '@chainwatch/runtime';
import type { OutgoingRecord, RecordPublisher } from './record-log';

const { Partitioners, CompressionTypes: Compression } = kafkajs;

export interface KafkaRecordLogOptions {
  /**
   * Idempotent producer (default true): broker-side de-duplication of retried batches. kafkajs
   * then retries without limit and keeps one request in flight per broker (KIP-98), so a
   * publish blocks while the cluster is unavailable instead of failing and losing records.
   */
  readonly idempotent?: boolean;
  /** Compression of produced batches (default none: GZIP is the only codec kafkajs ships). */
  readonly compression?: 'none' | 'gzip';
  /** Broker-side wait for the in-sync replicas (default 30000 ms). */
  readonly ackTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * RecordPublisher over Kafka: acks from all in-sync replicas (acks=-1), idempotent, Java-compatible
 * murmur2 partitioning by key (records with the same key land on the same partition as they would
 * from a Java producer). `publish` resolves once the broker acknowledged every record.
 */
export class KafkaRecordLog implements RecordPublisher {
  private readonly producer: Producer;
  private readonly compression: CompressionTypes;
  private readonly ackTimeoutMs: number;
  private connecting: Promise<void> | null = null;

  constructor(kafka: Kafka, private readonly options: KafkaRecordLogOptions = {}) {
    const idempotent = options.idempotent ?? true;
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent,
      maxInFlightRequests: idempotent ? 1 : 5,
      allowAutoTopicCreation: false,
    });
    this.compression = options.compression === 'gzip' ? Compression.GZIP : Compression.None;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  }

  /** Connects the producer; `publish` calls it on first use. */
  async connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    await this.connecting;
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    await this.producer.send({
      topic,
      acks: -1,
      timeout: this.ackTimeoutMs,
      compression: this.compression,
      messages: records.map((r) => ({ key: r.key, value: r.value })),
    });
  }

  async disconnect(): Promise<void> {
    if (this.connecting === null) return;
    this.connecting = null;
    await this.producer.disconnect();
    this.options.logger?.debug('Kafka producer disconnected');
  }
}
