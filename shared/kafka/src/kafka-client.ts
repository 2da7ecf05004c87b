import kafkajs from 'kafkajs';
import type { Kafka, KafkaConfig, LogEntry, RetryOptions } from 'kafkajs';
import { z } from 'zod';
import { BrokerList, childLogger, createLogger, type Logger } from '@chainwatch/runtime';
import { kafkajsBootstrap } from './bootstrap-brokers';
import { isHandledResponseError } from './kafkajs-log-level';

const { Kafka: KafkaClient, logLevel: KafkaLogLevel } = kafkajs;

export interface CreateKafkaOptions {
  /** Bootstrap brokers, `host:port` or `[ipv6]:port`. */
  readonly brokers: readonly string[];
  /** Kafka client id: shows up in broker logs, quotas and metrics. */
  readonly clientId: string;
  /** Where kafkajs logs go; default: a pino logger named after the client id. */
  readonly logger?: Logger;
  /** TCP connect timeout per broker (default 3000 ms). */
  readonly connectionTimeoutMs?: number;
  /** Per-request timeout (default 30000 ms, kafkajs' default). */
  readonly requestTimeoutMs?: number;
  /** Retry policy of the client (kafkajs defaults otherwise). */
  readonly retry?: RetryOptions;
  /** TLS and SASL, passed through to kafkajs for production clusters. */
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
}

const Options = z.object({
  brokers: BrokerList,
  clientId: z.string().min(1).max(200),
  connectionTimeoutMs: z.number().int().positive().max(120_000).optional(),
  requestTimeoutMs: z.number().int().positive().max(600_000).optional(),
});

/** kafkajs prints this once per process unless the env var is set; our producers pick a partitioner explicitly. */
const PARTITIONER_NOTICE = 'KafkaJS v2.0.0 switched default partitioner';

/**
 * A kafkajs client whose logs go through pino (and so through its redaction), at the level of
 * that logger. Validates its options; throws a zod error naming the bad field.
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const parsed = Options.parse({
    brokers: [...options.brokers],
    clientId: options.clientId,
    connectionTimeoutMs: options.connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const logger = childLogger(options.logger ?? createLogger({ name: parsed.clientId }), 'kafkajs');
  const bootstrap = kafkajsBootstrap(parsed.brokers);
  const config: KafkaConfig = {
    brokers: bootstrap.brokers,
    socketFactory: bootstrap.socketFactory,
    clientId: parsed.clientId,
    connectionTimeout: parsed.connectionTimeoutMs ?? 3000,
    logLevel: kafkaLogLevel(logger.level),
    logCreator: () => (entry) => forwardLog(logger, entry),
  };
  if (parsed.requestTimeoutMs !== undefined) config.requestTimeout = parsed.requestTimeoutMs;
  if (options.retry) config.retry = options.retry;
  if (options.ssl !== undefined) config.ssl = options.ssl;
  if (options.sasl !== undefined) config.sasl = options.sasl;
  return new KafkaClient(config);
}

/** The kafkajs level that emits what the pino level would keep. */
function kafkaLogLevel(pinoLevel: string): NonNullable<KafkaConfig['logLevel']> {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return KafkaLogLevel.DEBUG;
    case 'info':
      return KafkaLogLevel.INFO;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'error':
    case 'fatal':
      return KafkaLogLevel.ERROR;
    default:
      return KafkaLogLevel.NOTHING;
  }
}

function forwardLog(logger: Logger, entry: LogEntry): void {
  const { message, timestamp: _timestamp, ...fields } = entry.log;
  if (typeof message === 'string' && message.startsWith(PARTITIONER_NOTICE)) return;
  const record = { kafkajs: entry.namespace, ...fields };
  switch (entry.level) {
    case KafkaLogLevel.ERROR:
      if (isHandledResponseError(entry.namespace, message, fields)) logger.warn(record, message);
      else logger.error(record, message);
      break;
    case KafkaLogLevel.WARN:
      logger.warn(record, message);
      break;
    case KafkaLogLevel.INFO:
      logger.info(record, message);
      break;
    default:
      logger.debug(record, message);
  }
}
