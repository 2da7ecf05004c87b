/**
 * The single-service commands: `chainwatch processor`, `decision-api`, `trace-writer`, each
 * against Kafka (and ClickHouse for the writer). They run until SIGINT or SIGTERM, then shut down
 * gracefully (offsets committed, checkpoints written).
 */
import { createServer } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createDetectionEngine } from '@chainwatch/core';
import { loadPolicyFromEnv } from './policy-env';
import { assertBrokerReachable, createKafka } from '@chainwatch/kafka';
import { createLogger, env, parseConfig } from '@chainwatch/runtime';
import { z } from 'zod';

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** Serves a prom-client registry on /metrics (0 = disabled). */
async function serveMetrics(registry: Registry, port: number): Promise<() => Promise<void>> {
  if (port === 0) return async () => {};
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function runProcessorService(_argv: string[]): Promise<number> {
  const { loadProcessorConfig, topicsFromConfig, runKafkaSessionProcessor, createProcessorMetrics } = await import(
    '@chainwatch/session-processor'
  );
  const config = loadProcessorConfig();
  const { PROCESSOR_METRICS_PORT, IDLE_SESSION_MS } = parseConfig(
    z.object({ PROCESSOR_METRICS_PORT: env.port(9465), IDLE_SESSION_MS: env.int(30 * 60_000, 1000) }),
  );
  const logger = createLogger({ name: 'session-processor', level: config.LOG_LEVEL });
  await assertBrokerReachable(config.KAFKA_BROKERS);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const policy = loadPolicyFromEnv();
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: IDLE_SESSION_MS });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const runner = await runKafkaSessionProcessor({
    kafka,
    groupId: config.PROCESSOR_GROUP_ID,
    engine,
    logger,
    metrics: createProcessorMetrics(registry),
    topics: topicsFromConfig(config),
    partitions: config.PROCESSOR_PARTITIONS,
    replicationFactor: config.PROCESSOR_REPLICATION_FACTOR,
    maxEventBytes: config.PROCESSOR_MAX_EVENT_BYTES,
    chunkSize: config.PROCESSOR_CHUNK_SIZE,
    commitIntervalMs: config.PROCESSOR_COMMIT_INTERVAL_MS,
    punctuateIntervalMs: config.PROCESSOR_PUNCTUATE_INTERVAL_MS,
    restoreTimeoutMs: config.PROCESSOR_RESTORE_TIMEOUT_MS,
    sessionTimeoutMs: config.PROCESSOR_SESSION_TIMEOUT_MS,
  });
  const stopMetrics = await serveMetrics(registry, PROCESSOR_METRICS_PORT);
  console.log(
    `chainwatch processor: group ${config.PROCESSOR_GROUP_ID} on ${config.KAFKA_BROKERS.join(',')}, policy ${engine.policyVersion}, metrics :${PROCESSOR_METRICS_PORT}/metrics`,
  );
  logger.info({ signal: await untilSignal() }, 'shutting down');
  await runner.stop();
  await stopMetrics();
  return 0;
}

export async function runDecisionApi(_argv: string[]): Promise<number> {
  const { loadDecisionApiConfig, runDecisionApiService } = await import('@chainwatch/decision-api');
  const config = loadDecisionApiConfig();
  const policy = loadPolicyFromEnv();
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules });
  const service = await runDecisionApiService(config, { engine, catalog: policy.catalog });
  console.log(`chainwatch decision-api: listening on ${service.url}`);
  await untilSignal();
  await service.close();
  return 0;
}

export async function runTraceWriterService(_argv: string[]): Promise<number> {
  const { parseTraceWriterConfig, startTraceWriterService } = await import('@chainwatch/trace-writer');
  const config = parseTraceWriterConfig();
  await assertBrokerReachable(config.brokers);
  const service = await startTraceWriterService(config);
  console.log(`chainwatch trace-writer: ${config.brokers.join(',')} -> ClickHouse, metrics :${config.metricsPort}/metrics`);
  await untilSignal();
  await service.stop();
  return 0;
}
