import { Registry, collectDefaultMetrics } from 'prom-client';
import { openClickHouse, runMigrations, tuneEmbeddedTables, type ClickHouseHandle, type TraceTable } from '@chainwatch/clickhouse';
import { createKafka, ensureTopics, TOPIC_SPECS } from '@chainwatch/kafka';
import { createLogger, serveOps, type Logger } from '@chainwatch/runtime';
import type { TraceWriterConfig } from './config';
import { runKafkaTraceWriter, type KafkaTraceWriter } from './kafka-trace-writer';

export interface TraceWriterService {
  /** The bound operations port (/healthz, /readyz, /metrics); differs from the config only when that is 0. */
  readonly opsPort: number;
  stop(): Promise<void>;
}

/**
 * The standalone trace-writer service: migrates ClickHouse, makes sure the topics exist, consumes
 * them into ClickHouse. Its operations port answers from the start: /healthz at once, /readyz
 * once the consumer is a member of its group and while it makes progress (503 while it is not a
 * member, or a batch has stored nothing for TRACE_WRITER_STALL_MS), /metrics.
 */
export async function startTraceWriterService(
  config: TraceWriterConfig,
  logger?: Logger,
  /** Topic → table and DLQ topic overrides (tests, per-environment names); default: the contract's topics. */
  overrides: { readonly topics?: Readonly<Record<string, TraceTable>>; readonly dlqTopic?: string } = {},
): Promise<TraceWriterService> {
  const log = logger ?? createLogger({ name: 'trace-writer', level: config.logLevel });
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
    const kafka = createKafka({ brokers: config.brokers, clientId: 'chainwatch-trace-writer', logger: log });
    await ensureTopics(kafka, TOPIC_SPECS, { logger: log });
    runner = await runKafkaTraceWriter({
      kafka,
      groupId: config.groupId,
      client: ch.client,
      database: ch.database,
      batch: config.batch,
      retry: { maxMs: config.retryMaxMs },
      dlqMaxBytes: config.dlqMaxBytes,
      ...(overrides.topics ? { topics: overrides.topics } : {}),
      ...(overrides.dlqTopic ? { dlqTopic: overrides.dlqTopic } : {}),
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
    stop: async () => {
      await started.runner.stop();
      await ops.close();
      await started.ch.close();
    },
  };
}
