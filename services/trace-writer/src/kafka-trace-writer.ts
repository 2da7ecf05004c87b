import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { ClickHouseClient } from '@clickhouse/client';
import { KafkaRecordLog, type LogRecord, type RecordPublisher } from '@chainwatch/kafka';
import type { Logger } from '@chainwatch/runtime';
import type { Registry } from 'prom-client';
import type { RetryPolicy } from '@chainwatch/runtime';
import { TraceWriter, WriterStoppedError } from './trace-writer';
import { TraceWriterMetrics } from './writer-metrics';
import { topicTables, type WriterTopics } from './topic-tables';

export interface KafkaTraceWriterOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Topics to store and the dead-letter topic, by contract key (see WriterTopics); default: the contract's. */
  readonly topics?: WriterTopics;
  readonly client: ClickHouseClient;
  readonly database: string;
  /**
   * maxRows caps one insert; maxWaitMs is how long the broker may hold a fetch to fill it
   * (kafkajs maxWaitTimeInMs with minBytes sized for maxRows), so quiet topics still flush.
   */
  readonly batch: { readonly maxRows: number; readonly maxWaitMs: number };
  readonly logger: Logger;
  readonly metrics: Registry | TraceWriterMetrics;
  readonly retry?: Partial<RetryPolicy>;
  /** Largest DLQ message value (default 1,000,000 bytes); see TraceWriterOptions.dlqMaxBytes. */
  readonly dlqMaxBytes?: number;
  /** Dead-letter publisher; default: a kafkajs producer on the same cluster (acks=all). */
  readonly dlq?: RecordPublisher;
  readonly fromBeginning?: boolean;
}

export interface KafkaTraceWriter {
  readonly consumer: Consumer;
  readonly writer: TraceWriter;
  /**
   * True while the consumer is a member of its group: from a group join until a crash, stop or
   * disconnect (kafkajs rejoins after a retriable crash, which sets it again). The readiness of
   * the trace-writer service.
   */
  running(): boolean;
  /** Stops retrying, leaves the group (uncommitted batches are redelivered to whoever takes over) and disconnects. */
  stop(): Promise<void>;
}

/** Average JSON size we expect per row; sizes minBytes so a fetch waits for about a batch. */
const BYTES_PER_ROW_HINT = 400;

/**
 * Consumes the trace topics with a kafkajs consumer group and stores them through TraceWriter.
 * Offsets are resolved and committed only after the chunk's insert succeeded. While ClickHouse
 * fails, the partition is paused (no new fetches) and the writer retries with back-off, heart-
 * beating so the group keeps the assignment; it resumes once the insert succeeds.
 */
export async function runKafkaTraceWriter(options: KafkaTraceWriterOptions): Promise<KafkaTraceWriter> {
  const { kafka, logger, batch } = options;
  const metrics = options.metrics instanceof TraceWriterMetrics ? options.metrics : new TraceWriterMetrics(options.metrics);
  let producer: KafkaRecordLog | null = null;
  let dlq = options.dlq;
  if (!dlq) {
    producer = new KafkaRecordLog(kafka, { logger });
    await producer.connect();
    dlq = producer;
  }
  const tables = topicTables(options.topics);
  const writer = new TraceWriter({
    topicTables: tables,
    intents: true,
    client: options.client,
    database: options.database,
    dlq,
    logger,
    metrics,
    maxRows: batch.maxRows,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.dlqMaxBytes !== undefined ? { dlqMaxBytes: options.dlqMaxBytes } : {}),
    ...(options.topics?.writerDlq !== undefined ? { dlqTopic: options.topics.writerDlq } : {}),
  });
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: batch.maxWaitMs,
    minBytes: Math.min(1 << 20, batch.maxRows * BYTES_PER_ROW_HINT),
    maxBytesPerPartition: Math.max(1 << 20, batch.maxRows * BYTES_PER_ROW_HINT * 2),
  });
  let stopping = false;
  // Listened to before connecting: consumer.run() joins the group before it returns.
  let member = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    member = true;
    // After a rebalance, partitions may come from another writer: re-read their intents.
    writer.forgetIntents();
  });
  for (const left of [consumer.events.CRASH, consumer.events.STOP, consumer.events.DISCONNECT]) {
    consumer.on(left, () => {
      member = false;
    });
  }
  await consumer.connect();
  await consumer.subscribe({ topics: Object.keys(tables), fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch: b, resolveOffset, heartbeat, isRunning, isStale, pause }) => {
      const { topic, partition } = b;
      if (b.messages.length === 0 || stopping || !isRunning() || isStale()) return;
      let resume: (() => void) | null = null;
      try {
        // The writer cuts the fetch into offset-aligned inserts and calls onChunkStored after each,
        // in order: that is the only place offsets are resolved and committed.
        await writer.writeBatch(
          b.messages.map((m) => toLogRecord(topic, partition, m)),
          {
            keepTrying: () => !stopping && isRunning() && !isStale(),
            onFailing: () => {
              resume ??= pause();
              metrics.paused.set(1);
              logger.warn({ topic, partition }, 'clickhouse failing: partition paused, retrying');
            },
            onRecovered: () => {
              metrics.paused.set(0);
              logger.info({ topic, partition }, 'clickhouse recovered');
            },
            onWait: heartbeat,
            onChunkStored: async (last) => {
              resolveOffset(last.offset);
              await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
              metrics.lag.set({ topic, partition: String(partition) }, Math.max(0, Number(b.highWatermark) - Number(last.offset) - 1));
              await heartbeat();
            },
          },
        );
      } catch (err) {
        // Stopped or lost the partition: leave the rest uncommitted for redelivery.
        if (err instanceof WriterStoppedError) return;
        throw err;
      } finally {
        if (resume) (resume as () => void)();
      }
    },
  });
  logger.info({ groupId: options.groupId, topics: Object.keys(tables) }, 'trace writer consuming');

  return {
    consumer,
    writer,
    running: () => member && !stopping,
    stop: async () => {
      stopping = true;
      writer.stop();
      await consumer.disconnect();
      if (producer) await producer.disconnect();
    },
  };
}

function toLogRecord(topic: string, partition: number, m: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ?? Buffer.alloc(0),
    timestamp: Number(m.timestamp),
  };
}
