import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { followTopic } from '@chainwatch/kafka';
import type { DetectionEngine } from '@chainwatch/core';
import type { Logger } from '@chainwatch/runtime';
import type { InputRecord } from './event-decoder';
import { KafkaSink } from './kafka-sink';
import type { ProcessorMetrics } from './metrics';
import { ensureProcessorTopics } from './processor-topics';
import { SessionProcessor, type ProcessStats } from './session-processor';
import { readStateTopic } from './state-restorer';
import { DEFAULT_TOPICS, PROCESSOR_DEFAULTS, type ProcessorTopics } from './config';

export interface KafkaSessionProcessorOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly engine: DetectionEngine;
  readonly logger: Logger;
  readonly metrics?: ProcessorMetrics;
  readonly topics?: Partial<ProcessorTopics>;
  /** Partition count used when the processor creates its topics. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Create missing topics at start-up (default true). */
  readonly ensureTopics?: boolean;
  readonly maxEventBytes?: number;
  /** Records per engine pass and output flush. */
  readonly chunkSize?: number;
  /** How often checkpoints are written and input offsets committed (default 1 s). */
  readonly commitIntervalMs?: number;
  readonly punctuateIntervalMs?: number;
  readonly restoreTimeoutMs?: number;
  /** Consumer group session timeout (default 30 s): a crashed member's partitions move after this. */
  readonly sessionTimeoutMs?: number;
  /** How long stop() waits for the final checkpoint and commit (default 15 s). */
  readonly shutdownTimeoutMs?: number;
  readonly now?: () => number;
  /** Called after each chunk's outputs are accepted (progress reporting, benchmarks). */
  readonly onChunk?: (chunk: ChunkReport) => void;
  /**
   * Called when the consumer crashed and kafkajs will not restart it: the processor no longer
   * consumes, so a service should stop and exit (an orchestrator then restarts it, and the
   * restart replays from the last commit).
   */
  readonly onFatal?: (err: Error) => void;
}

/** One processed chunk, as reported to `onChunk`. */
export interface ChunkReport extends ProcessStats {
  readonly partition: number;
  /** Input records in the chunk (processed + duplicates + invalid). */
  readonly records: number;
  /** performance.now() when the chunk was handed to the processor, and when its outputs were accepted. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface KafkaSessionProcessor {
  readonly processor: SessionProcessor;
  /** Resolves once the first partition assignment has been restored (the processor is consuming). */
  readonly ready: Promise<void>;
  /** Input partitions currently assigned and restored. */
  assignedPartitions(): number[];
  /** Graceful shutdown: finish the chunk in flight, write pending checkpoints, commit, leave the group, disconnect. */
  stop(): Promise<void>;
}

/** Retries a broker operation a few times with backoff (fresh topics, leader moves). */
async function withRetries<T>(fn: () => Promise<T>, onRetry: (err: unknown, attempt: number) => void, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) throw err;
      onRetry(err, attempt);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** Runs async sections one at a time (chunks, commit points, shutdown). */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * Runs a SessionProcessor as a kafkajs consumer group member on the actions topic.
 *
 * Per chunk: engine → produce signals, findings and DLQ records (acks=all) → resolve offsets.
 * Every commit interval (Kafka Streams' commit): write one checkpoint per changed trace, then
 * commit the resolved offsets. A crash anywhere replays from the last commit; the restored
 * checkpoint is at least as new as that commit, events it already holds are ignored by event_id,
 * and the rest are processed again, so nothing is lost and no session's risk resets (findings
 * of the replayed stretch may be published twice: at-least-once).
 *
 * On every assignment, partitions not held yet are restored from the compacted state topic
 * (state partition i = input partition i, written with an explicit partition) before any of their
 * records is processed.
 */
export async function runKafkaSessionProcessor(options: KafkaSessionProcessorOptions): Promise<KafkaSessionProcessor> {
  const { kafka, logger, groupId } = options;
  const topics: ProcessorTopics = { ...DEFAULT_TOPICS, ...options.topics };
  const chunkSize = options.chunkSize ?? PROCESSOR_DEFAULTS.chunkSize;
  const commitIntervalMs = options.commitIntervalMs ?? PROCESSOR_DEFAULTS.commitIntervalMs;
  const restoreTimeoutMs = options.restoreTimeoutMs ?? PROCESSOR_DEFAULTS.restoreTimeoutMs;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 15_000;

  if (options.ensureTopics ?? true) {
    await ensureProcessorTopics(kafka, topics, {
      partitions: options.partitions ?? PROCESSOR_DEFAULTS.partitions,
      replicationFactor: options.replicationFactor ?? PROCESSOR_DEFAULTS.replicationFactor,
      logger,
    });
  }

  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  await producer.connect();
  const processor = new SessionProcessor({
    engine: options.engine,
    sink: new KafkaSink(producer),
    logger,
    topics,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
    ...(options.punctuateIntervalMs !== undefined ? { punctuateIntervalMs: options.punctuateIntervalMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  const sessionTimeout = options.sessionTimeoutMs ?? PROCESSOR_DEFAULTS.sessionTimeoutMs;
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
  });
  const queue = new SerialQueue();
  const restored = new Set<number>();
  /** partition → next offset to commit (last processed + 1). */
  const pending = new Map<number, string>();
  let lastCommit = Date.now();
  let stopping = false;
  let pendingRestore: Promise<void> | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const restorePartitions = async (partitions: readonly number[]): Promise<void> => {
    const fresh = partitions.filter((p) => !restored.has(p));
    if (fresh.length > 0) {
      const entries = await withRetries(
        () => readStateTopic({ kafka, topic: topics.sessionState, partitions: fresh, groupPrefix: groupId, logger, timeoutMs: restoreTimeoutMs }),
        (err, attempt) => logger.warn({ err, attempt }, 'reading the state topic failed; retrying'),
      );
      const count = await processor.restore(entries.values());
      for (const p of fresh) restored.add(p);
      logger.info({ partitions: fresh, traces: count }, 'partitions restored');
    }
    markReady();
  };

  /** Checkpoints first, then the offsets they cover. */
  const commitPoint = async (): Promise<void> => {
    const snapshot = [...pending];
    await processor.flush();
    lastCommit = Date.now();
    if (snapshot.length === 0) return;
    await consumer.commitOffsets(snapshot.map(([partition, offset]) => ({ topic: topics.actions, partition, offset })));
    for (const [partition, offset] of snapshot) if (pending.get(partition) === offset) pending.delete(partition);
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = event.payload.memberAssignment[topics.actions] ?? [];
    const revoked = [...restored].filter((p) => !assigned.includes(p));
    for (const p of revoked) {
      restored.delete(p);
      // Offsets of a partition we lost can no longer be committed by us; its new owner replays.
      pending.delete(p);
    }
    if (revoked.length > 0) {
      const traces = processor.revokePartitions(revoked);
      logger.info({ partitions: revoked, traces }, 'partitions revoked');
    }
    logger.info({ group: groupId, partitions: assigned }, 'partitions assigned');
    // Set synchronously: kafkajs emits GROUP_JOIN before it starts fetching.
    const restoring = restorePartitions(assigned);
    restoring.catch((err: unknown) => logger.error({ err }, 'state restore failed; will retry before processing'));
    pendingRestore = restoring;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    if (!event.payload.restart && !stopping) options.onFatal?.(event.payload.error);
  });

  const ensureRestored = async (partition: number): Promise<void> => {
    if (restored.has(partition)) return;
    if (pendingRestore) await pendingRestore.catch(() => undefined);
    if (!restored.has(partition)) {
      pendingRestore = restorePartitions([partition]);
      await pendingRestore;
    }
  };

  /** A chunk handed to the processor, its outputs possibly still being produced. */
  interface InFlight {
    readonly partition: number;
    readonly lastOffset: string;
    readonly records: number;
    readonly startedAt: number;
    readonly delivered: Promise<ProcessStats>;
  }

  /** Once a chunk's outputs are accepted: resolve its offsets, and commit when the interval is due. */
  const settle = async (chunk: InFlight, resolveOffset: (offset: string) => void): Promise<void> => {
    await queue.run(async () => {
      const stats = await chunk.delivered;
      // Revoked meanwhile (rebalance): its offsets are the new owner's to commit; it replays them.
      if (!restored.has(chunk.partition)) return;
      options.onChunk?.({ ...stats, partition: chunk.partition, records: chunk.records, startedAt: chunk.startedAt, finishedAt: performance.now() });
      resolveOffset(chunk.lastOffset);
      pending.set(chunk.partition, (BigInt(chunk.lastOffset) + 1n).toString());
      // While stopping, stop() writes the final checkpoint and commit.
      if (!stopping && Date.now() - lastCommit >= commitIntervalMs) await commitPoint();
    });
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (stopping) return;
    await ensureRestored(batch.partition);
    const messages = batch.messages;
    // Two chunks in flight: the engine works on the next chunk while the broker acknowledges the
    // outputs of the previous one. Offsets are resolved strictly in order, each only once its
    // chunk's outputs were accepted.
    const inFlight: InFlight[] = [];
    try {
      for (let i = 0; i < messages.length; i += chunkSize) {
        if (stopping || !isRunning() || isStale()) break;
        const chunk = messages.slice(i, i + chunkSize);
        const records: InputRecord[] = chunk.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value,
        }));
        inFlight.push({
          partition: batch.partition,
          lastOffset: chunk[chunk.length - 1]!.offset,
          records: records.length,
          startedAt: performance.now(),
          delivered: processor.process(records),
        });
        if (inFlight.length >= 2) {
          await settle(inFlight.shift()!, resolveOffset);
          await heartbeat();
        }
      }
      while (inFlight.length > 0) await settle(inFlight.shift()!, resolveOffset);
      await heartbeat();
    } finally {
      // On an error, the chunks still in flight are not resolved (replayed by the next owner).
      for (const chunk of inFlight) chunk.delivered.catch(() => undefined);
    }
  };

  // Approvals first (every instance reads them all, see SessionProcessor.applyApproval): an
  // approved action arriving right after its approval finds it recorded.
  const approvals = await followTopic({
    kafka,
    topic: topics.approvals,
    groupPrefix: `${groupId}.approvals`,
    onRecord: (value) => processor.applyApproval(value),
    logger,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.actions, fromBeginning: true });
  processor.init();
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });

  // When the input goes quiet, the last stretch still gets checkpointed and committed.
  const committer = setInterval(() => {
    if (stopping || (pending.size === 0 && processor.pendingCheckpoints === 0)) return;
    if (Date.now() - lastCommit < commitIntervalMs) return;
    queue.run(commitPoint).catch((err: unknown) => logger.warn({ err }, 'commit failed; will retry'));
  }, Math.max(50, Math.floor(commitIntervalMs / 2)));
  committer.unref();

  let stopped: Promise<void> | null = null;
  return {
    processor,
    ready,
    assignedPartitions: () => [...restored].sort((a, b) => a - b),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(committer);
        // Final checkpoint + commit; bounded, so a dead broker cannot hold shutdown forever.
        let committed = false;
        const final = queue.run(commitPoint).then(
          () => {
            committed = true;
          },
          (err: unknown) => logger.warn({ err }, 'final commit failed; the next owner replays from the last commit'),
        );
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([final, new Promise((resolve) => (timer = setTimeout(resolve, shutdownTimeoutMs)))]);
        clearTimeout(timer);
        if (!committed) logger.warn({ timeout_ms: shutdownTimeoutMs }, 'shutdown without a final commit; the next owner replays from the last commit');
        await approvals.stop();
        await processor.close();
        await final;
        await consumer.stop();
        await consumer.disconnect();
        await producer.disconnect();
        logger.info({ group: groupId }, 'session processor stopped');
      })();
      return stopped;
    },
  };
}
