/**
 * `chainwatch trace-writer` as a service: config (TraceWriterConfig) → dependencies (ClickHouse
 * migrated, Kafka client, topics, metrics, operations port) → run (the Kafka consumer into
 * ClickHouse) → close.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { openClickHouse, runMigrations, tuneEmbeddedTables, type ClickHouseHandle } from '@chainwatch/clickhouse';
import { assertBrokerReachable, createKafka, ensureTopics, topicSpecs } from '@chainwatch/kafka';
import { NEVER_ENDS, createLogger, serveOps, type Logger, type RunningService } from '@chainwatch/runtime';
import type { TraceWriterConfig } from './config';
import { TRACE_WRITER_DEFAULTS } from './defaults';
import { runKafkaTraceWriter, type KafkaTraceWriter } from './kafka-trace-writer';
import type { WriterTopics } from './topic-tables';

export interface TraceWriterServiceDeps {
  readonly logger?: Logger;
  /** Topics to store and the dead-letter topic (tests, per-environment names); default: the contract's. */
  readonly topics?: WriterTopics;
}

export interface TraceWriterService extends RunningService {
  /** The bound operations port (/healthz, /readyz, /metrics); differs from the config only when that is 0. */
  readonly opsPort: number;
}

/**
 * The standalone trace-writer service: migrates ClickHouse, makes sure the topics exist, consumes
 * them into ClickHouse. Its operations port answers from the start: /healthz at once, /readyz
 * once the consumer is a member of its group and while it makes progress (503 while it is not a
 * member, or a batch has stored nothing for TRACE_WRITER_STALL_MS), /metrics.
 */
export async function runTraceWriterService(config: TraceWriterConfig, deps: TraceWriterServiceDeps = {}): Promise<TraceWriterService> {
  const log = deps.logger ?? createLogger({ name: 'trace-writer', level: config.logLevel });
  await assertBrokerReachable(config.brokers);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let runner: KafkaTraceWriter | null = null;
  // Ready while a member of the group and making progress: a writer whose batch has stored nothing
  // for stallMs (ClickHouse or the DLQ unavailable) is reported, not hidden.
  const ready = (): boolean => runner !== null && runner.running() && runner.writer.stalledMs(Date.now()) < config.stallMs;
  const ops = await serveOps({ port: config.metricsPort, metrics: registry, ready });
  let ch: ClickHouseHandle | null = null;
  try {
    ch = await openClickHouse(config.clickhouse, log);
    await runMigrations({ client: ch.client, database: ch.database, ttlDays: config.clickhouse.ttlDays, logger: log });
    if (ch.mode === 'embedded') await tuneEmbeddedTables(ch.client, ch.database);
    const kafka = createKafka({ brokers: config.brokers, clientId: TRACE_WRITER_DEFAULTS.clientId, logger: log });
    await ensureTopics(kafka, topicSpecs(), { logger: log });
    runner = await runKafkaTraceWriter({
      kafka,
      groupId: config.groupId,
      client: ch.client,
      database: ch.database,
      batch: config.batch,
      retry: { maxMs: config.retryMaxMs },
      dlqMaxBytes: config.dlqMaxBytes,
      ...(deps.topics ? { topics: deps.topics } : {}),
      logger: log,
      metrics: registry,
    });
  } catch (err) {
    // An open port would keep the process alive after a failed start.
    await ops.close();
    await ch?.close();
    throw err;
  }
  const started = { runner, ch };
  log.info({ clickhouse: ch.location, mode: ch.mode, metrics_port: ops.port }, 'trace writer started');
  return {
    opsPort: ops.port,
    logger: log,
    summary: `chainwatch trace-writer: ${config.brokers.join(',')} -> ClickHouse, ops :${ops.port} (/healthz /readyz /metrics)`,
    ended: NEVER_ENDS,
    // Within the deadline even while ClickHouse refuses every insert: uncommitted batches are redelivered.
    close: async () => {
      await started.runner.stop();
      await ops.close();
      await started.ch.close();
    },
  };
}
