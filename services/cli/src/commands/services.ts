/**
 * The single-service commands: `chainwatch processor`, `decision-api`, `trace-writer`, each
 * against Kafka (and ClickHouse for the writer). They run until SIGINT or SIGTERM, then shut down
 * gracefully (offsets committed, checkpoints written).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createDetectionEngine } from '@chainwatch/core';
import type { KafkaSessionProcessor } from '@chainwatch/session-processor';
import { loadPolicyFromEnv } from './policy-env';
import { assertBrokerReachable, createKafka } from '@chainwatch/kafka';
import { createLogger, env, parseConfig, serveOps, shutdownWithin } from '@chainwatch/runtime';
import { z } from 'zod';
import { loadShellPort } from '@chainwatch/shell';

/** Resolves with the signal's name on SIGINT or SIGTERM, or with `reason` once `stop(reason)` is called. */
function untilSignal(): { done: Promise<string>; stop: (reason: string) => void } {
  let stop: (reason: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => {
    stop = resolve;
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return { done, stop };
}

/**
 * The processor service's own variables (the rest is ProcessorConfigSchema and the policy env).
 * Exported so the Kubernetes manifest test knows these names and ports.
 */
export const ProcessorServiceEnv = z.object({
  /** /healthz, /readyz and /metrics; 0 = no operations port (and no probes possible). */
  PROCESSOR_METRICS_PORT: env.port(9465),
  IDLE_SESSION_MS: env.int(30 * 60_000, 1000),
});

export async function runProcessorService(_argv: string[]): Promise<number> {
  const { loadProcessorConfig, topicsFromConfig, runKafkaSessionProcessor, createProcessorMetrics } = await import(
    '@chainwatch/session-processor'
  );
  const config = loadProcessorConfig();
  const { PROCESSOR_METRICS_PORT, IDLE_SESSION_MS } = parseConfig(ProcessorServiceEnv);
  const logger = createLogger({ name: 'session-processor', level: config.LOG_LEVEL });
  await assertBrokerReachable(config.KAFKA_BROKERS);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const policy = loadPolicyFromEnv();
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: IDLE_SESSION_MS, shell: await loadShellPort() });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Up before the runner: liveness answers while topics are checked and partitions restored;
  // readiness waits for the runner's first assignment to be restored.
  let ready = false;
  let fatal = false;
  const shutdown = untilSignal();
  const ops = PROCESSOR_METRICS_PORT === 0 ? null : await serveOps({ port: PROCESSOR_METRICS_PORT, metrics: registry, ready: () => ready });
  let runner: KafkaSessionProcessor;
  try {
    runner = await runKafkaSessionProcessor({
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
      // A consumer kafkajs gave up on: stop and exit non-zero, so the orchestrator restarts us
      // (a live process that no longer consumes would hold its partitions' lag forever).
      onFatal: () => {
        fatal = true;
        ready = false;
        shutdown.stop('consumer crashed');
      },
    });
  } catch (err) {
    // An open port would keep the process alive after a failed start.
    await ops?.close();
    throw err;
  }
  void runner.ready.then(() => {
    ready = true;
  });
  console.log(
    `chainwatch processor: group ${config.PROCESSOR_GROUP_ID} on ${config.KAFKA_BROKERS.join(',')}, policy ${engine.policyVersion}, ` +
      (ops ? `ops :${ops.port} (/healthz /readyz /metrics)` : 'no ops port'),
  );
  logger.info({ reason: await shutdown.done }, 'shutting down');
  // Within the deadline whatever the state (a broker gone, outputs being retried): what was not
  // committed is replayed by the next owner from its checkpoint.
  await shutdownWithin(
    async () => {
      await runner.stop();
      await ops?.close();
    },
    { logger },
  );
  return fatal ? 1 : 0;
}

export async function runDecisionApi(_argv: string[]): Promise<number> {
  const { loadDecisionApiConfig, runDecisionApiService } = await import('@chainwatch/decision-api');
  const config = loadDecisionApiConfig();
  const policy = loadPolicyFromEnv();
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, shell: await loadShellPort() });
  const service = await runDecisionApiService(config, { engine, catalog: policy.catalog });
  console.log(`chainwatch decision-api: listening on ${service.url}`);
  await untilSignal().done;
  await shutdownWithin(() => service.close());
  return 0;
}

export async function runTraceWriterService(_argv: string[]): Promise<number> {
  const { parseTraceWriterConfig, startTraceWriterService } = await import('@chainwatch/trace-writer');
  const config = parseTraceWriterConfig();
  await assertBrokerReachable(config.brokers);
  const service = await startTraceWriterService(config);
  console.log(`chainwatch trace-writer: ${config.brokers.join(',')} -> ClickHouse, ops :${service.opsPort} (/healthz /readyz /metrics)`);
  await untilSignal().done;
  // Within the deadline even while ClickHouse refuses every insert: uncommitted batches are redelivered.
  await shutdownWithin(() => service.stop());
  return 0;
}
