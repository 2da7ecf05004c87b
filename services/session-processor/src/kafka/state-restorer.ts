import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ChainwatchError, isTimeout, withTimeout, type Logger } from '@chainwatch/runtime';
import type { StateEntry } from '../session-processor';

export interface ReadStateOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Partitions to restore (same numbers as the assigned agent.actions partitions). */
  readonly partitions: readonly number[];
  /** Prefix of the throw-away consumer group used for the read (never commits). */
  readonly groupPrefix: string;
  readonly logger: Logger;
  readonly timeoutMs: number;
}

/**
 * Reads the compacted session-state topic from the beginning up to the high watermarks taken at
 * the start, for the given partitions, and returns the latest value per trace (tombstones kept
 * as null so a later tombstone hides an earlier checkpoint). Records written after the
 * watermark snapshot are ours (written by this instance) and need no restore.
 */
export async function readStateTopic(options: ReadStateOptions): Promise<Map<string, StateEntry>> {
  const { kafka, topic, logger } = options;
  const latest = new Map<string, StateEntry>();
  const wanted = new Set(options.partitions);
  if (wanted.size === 0) return latest;

  const admin = kafka.admin();
  await admin.connect();
  let offsets: Array<{ partition: number; high: string; low: string }>;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  /** partition → last offset to read (high watermark - 1). */
  const targets = new Map<number, bigint>();
  for (const o of offsets) {
    if (!wanted.has(o.partition)) continue;
    const high = BigInt(o.high);
    if (high > BigInt(o.low)) targets.set(o.partition, high - 1n);
  }
  if (targets.size === 0) return latest;

  const started = Date.now();
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}.restore.${randomUUID()}`,
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
  });
  let records = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      done = resolve;
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const last = targets.get(batch.partition);
            if (last === undefined) return;
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset > last) break;
              const key = m.key?.toString('utf8');
              if (key === undefined) continue;
              records++;
              latest.set(key, {
                traceId: key,
                partition: batch.partition,
                checkpoint: m.value === null || m.value.length === 0 ? null : m.value.toString('utf8'),
              });
            }
            // Compaction can remove records, never the high watermark: the batch's own high
            // watermark tells whether the end was reached even when the last records are gone.
            const lastSeen = batch.messages.length > 0 ? BigInt(batch.lastOffset()) : -1n;
            if (lastSeen >= last || BigInt(batch.highWatermark) - 1n <= lastSeen) targets.delete(batch.partition);
            if (targets.size === 0) done();
          },
        })
        .catch((err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    });
    await withTimeout(finished, options.timeoutMs, `state restore of ${topic}`).catch((err: unknown) => {
      if (!isTimeout(err)) throw err;
      throw new ChainwatchError('CW_KAFKA_UNREACHABLE', `state restore of ${topic} did not finish in ${options.timeoutMs} ms`, { cause: err });
    });
  } finally {
    await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'restore consumer disconnect failed'));
  }
  logger.info(
    { topic, partitions: [...wanted], records, traces: latest.size, ms: Date.now() - started },
    'session state read back',
  );
  return latest;
}
