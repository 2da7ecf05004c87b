import { z } from 'zod';
import { env, parseConfig } from '@chainwatch/runtime';
import { parseClickHouseConfig, type ClickHouseConfig } from '@chainwatch/clickhouse';
import { TRACE_WRITER_DEFAULTS as D } from './defaults';

/** Environment of `chainwatch trace-writer`. KAFKA_BROKERS is required: the writer never guesses which cluster to store. */
export const TraceWriterConfigSchema = z.object({
  KAFKA_BROKERS: env.brokers(null),
  TRACE_WRITER_GROUP_ID: z.string().min(1).max(200).default(D.groupId),
  TRACE_WRITER_BATCH_MAX_ROWS: env.int(D.maxRows, 1).pipe(z.number().max(1_000_000)),
  TRACE_WRITER_BATCH_MAX_WAIT_MS: env.duration(D.maxWaitMs, { min: 1, max: 60_000 }),
  TRACE_WRITER_RETRY_MAX_MS: env.duration(D.serviceRetryMaxMs, { min: 100 }),
  /** /readyz answers 503 once a batch has waited this long without anything stored (store or DLQ unavailable). */
  TRACE_WRITER_STALL_MS: env.duration(D.stallMs, { min: 1000 }),
  /** Largest DLQ message value in bytes; keep it under the broker's message.max.bytes. */
  TRACE_WRITER_DLQ_MAX_BYTES: env.int(D.dlqMaxBytes, 16_384),
  TRACE_WRITER_METRICS_PORT: env.port(D.metricsPort),
  LOG_LEVEL: env.logLevel(),
});

export interface TraceWriterConfig {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly batch: { readonly maxRows: number; readonly maxWaitMs: number };
  readonly retryMaxMs: number;
  readonly stallMs: number;
  readonly dlqMaxBytes: number;
  readonly metricsPort: number;
  readonly logLevel: string;
  readonly clickhouse: ClickHouseConfig;
}

/** Parses the trace writer's environment once at boot; throws ConfigError naming the variable. */
export function loadTraceWriterConfig(source: NodeJS.ProcessEnv = process.env): TraceWriterConfig {
  const c = parseConfig(TraceWriterConfigSchema, source);
  return {
    brokers: c.KAFKA_BROKERS,
    groupId: c.TRACE_WRITER_GROUP_ID,
    batch: { maxRows: c.TRACE_WRITER_BATCH_MAX_ROWS, maxWaitMs: c.TRACE_WRITER_BATCH_MAX_WAIT_MS },
    retryMaxMs: c.TRACE_WRITER_RETRY_MAX_MS,
    stallMs: c.TRACE_WRITER_STALL_MS,
    dlqMaxBytes: c.TRACE_WRITER_DLQ_MAX_BYTES,
    metricsPort: c.TRACE_WRITER_METRICS_PORT,
    logLevel: c.LOG_LEVEL,
    clickhouse: parseClickHouseConfig(source),
  };
}
