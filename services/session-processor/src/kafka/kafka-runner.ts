import type { Consumer, ConsumerCrashEvent, ConsumerGroupJoinEvent, Kafka, Producer } from 'kafkajs';
import { followTopic, type FollowedTopic } from '@chainwatch/kafka';
import type { DetectionEngine } from '@chainwatch/core';
import { SerialQueue, retry, settlesWithin, type Logger } from '@chainwatch/runtime';
import { DEFAULT_TOPICS, PROCESSOR_DEFAULTS, type ProcessorTopics } from '../config';
import type { ProcessorMetrics } from '../metrics';
import { SessionProcessor } from '../session-processor';
import { ChunkPipeline, type ChunkReport } from './chunk-pipeline';
import { CommitPoint } from './commit-point';
import { KafkaSink } from './kafka-sink';
import { PartitionLedger } from './partition-ledger';
import { PartitionRestorer } from './partition-restorer';
import { ensureProcessorTopics } from './processor-topics';
import { readStateTopic } from './state-restorer';

export type { ChunkReport } from './chunk-pipeline';

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

export interface KafkaSessionProcessor {
  readonly processor: SessionProcessor;
  /** Resolves once the first partition assignment has been restored (the processor is consuming). */
  readonly ready: Promise<void>;
  /** Input partitions currently assigned and restored. */
  assignedPartitions(): number[];
  /** Graceful shutdown: finish the chunk in flight, write pending checkpoints, commit, leave the group, disconnect. */
  stop(): Promise<void>;
}

/** What the runner is made of, built by `runKafkaSessionProcessor`. */
interface RunnerParts {
  readonly options: KafkaSessionProcessorOptions;
  readonly topics: ProcessorTopics;
  readonly processor: SessionProcessor;
  readonly producer: Producer;
  readonly consumer: Consumer;
}

/**
 * A SessionProcessor as a kafkajs consumer group member on the actions topic: the partitions it
 * holds (PartitionLedger), their restore (PartitionRestorer), the chunks in flight
 * (ChunkPipeline) and the commit points (CommitPoint), all ordered by one serial queue.
 */
class KafkaSessionRunner implements KafkaSessionProcessor {
  readonly processor: SessionProcessor;
  readonly ready: Promise<void>;
  private readonly queue = new SerialQueue();
  private readonly ledger = new PartitionLedger();
  private readonly restorer: PartitionRestorer;
  private readonly commits: CommitPoint;
  private readonly pipeline: ChunkPipeline;
  private approvals: FollowedTopic | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly parts: RunnerParts) {
    const { options, topics, processor, consumer } = parts;
    const { kafka, groupId, logger } = options;
    this.processor = processor;
    this.restorer = new PartitionRestorer({
      processor,
      ledger: this.ledger,
      logger,
      read: (partitions) =>
        retry(
          () =>
            readStateTopic({ kafka, topic: topics.sessionState, partitions, groupPrefix: groupId, logger, timeoutMs: options.restoreTimeoutMs ?? PROCESSOR_DEFAULTS.restoreTimeoutMs }),
          { policy: PROCESSOR_DEFAULTS.retry.stateRead, onRetry: (err, attempt) => logger.warn({ err, attempt }, 'reading the state topic failed; retrying') },
        ),
    });
    this.ready = this.restorer.ready;
    this.commits = new CommitPoint({
      processor,
      ledger: this.ledger,
      consumer,
      topic: topics.actions,
      queue: this.queue,
      intervalMs: options.commitIntervalMs ?? PROCESSOR_DEFAULTS.commitIntervalMs,
      logger,
    });
    this.pipeline = new ChunkPipeline({
      processor,
      ledger: this.ledger,
      restorer: this.restorer,
      commits: this.commits,
      queue: this.queue,
      chunkSize: options.chunkSize ?? PROCESSOR_DEFAULTS.chunkSize,
      stopping: () => this.stopping,
      ...(options.onChunk ? { onChunk: options.onChunk } : {}),
    });
  }

  /** Joins the group and starts consuming (approvals first: an approved action finds its approval recorded). */
  async start(): Promise<void> {
    const { options, topics, processor, consumer } = this.parts;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.onGroupJoin(event));
    consumer.on(consumer.events.CRASH, (event) => this.onCrash(event));
    // Every instance reads all approvals (see SessionProcessor.applyApproval).
    this.approvals = await followTopic({
      kafka: options.kafka,
      topic: topics.approvals,
      groupPrefix: `${options.groupId}.approvals`,
      onRecord: (value) => processor.applyApproval(value),
      logger: options.logger,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.actions, fromBeginning: true });
    processor.init();
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: this.pipeline.eachBatch });
    this.commits.startTimer();
  }

  assignedPartitions(): number[] {
    return this.ledger.held();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** Revokes what the assignment no longer holds, then restores what it newly holds (synchronously started: kafkajs emits GROUP_JOIN before it fetches). */
  private onGroupJoin(event: ConsumerGroupJoinEvent): void {
    const { options, topics, processor } = this.parts;
    const assigned = event.payload.memberAssignment[topics.actions] ?? [];
    const revoked = this.ledger.keepOnly(assigned);
    if (revoked.length > 0) options.logger.info({ partitions: revoked, traces: processor.revokePartitions(revoked) }, 'partitions revoked');
    options.logger.info({ group: options.groupId, partitions: assigned }, 'partitions assigned');
    this.restorer.assigned(assigned);
  }

  private onCrash(event: ConsumerCrashEvent): void {
    this.parts.options.logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    if (!event.payload.restart && !this.stopping) this.parts.options.onFatal?.(event.payload.error);
  }

  /** The final checkpoint and commit, bounded (a dead broker cannot hold shutdown forever), then leave and disconnect. */
  private async shutdown(): Promise<void> {
    const { options, processor, consumer, producer } = this.parts;
    const { logger } = options;
    const timeoutMs = options.shutdownTimeoutMs ?? PROCESSOR_DEFAULTS.shutdownTimeoutMs;
    this.stopping = true;
    this.commits.stopTimer();
    let committed = false;
    const final = this.queue.run(() => this.commits.commit()).then(
      () => {
        committed = true;
      },
      (err: unknown) => logger.warn({ err }, 'final commit failed; the next owner replays from the last commit'),
    );
    await settlesWithin(final, timeoutMs);
    if (!committed) logger.warn({ timeout_ms: timeoutMs }, 'shutdown without a final commit; the next owner replays from the last commit');
    await this.approvals?.stop();
    await processor.close();
    await final;
    await consumer.stop();
    await consumer.disconnect();
    await producer.disconnect();
    logger.info({ group: options.groupId }, 'session processor stopped');
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
  if (options.ensureTopics ?? true) {
    await ensureProcessorTopics(kafka, topics, {
      partitions: options.partitions ?? PROCESSOR_DEFAULTS.partitions,
      replicationFactor: options.replicationFactor ?? PROCESSOR_DEFAULTS.replicationFactor,
      logger,
    });
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
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
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: PROCESSOR_DEFAULTS.maxWaitTimeMs,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
  });
  const runner = new KafkaSessionRunner({ options, topics, processor, producer, consumer });
  await runner.start();
  return runner;
}
