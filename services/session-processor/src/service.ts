/**
 * `chainwatch processor` as a service: config (the processor's environment, its operations port,
 * the policy files) → dependencies (Kafka client, detection engine, metrics, operations port) →
 * run (the Kafka runner) → close.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { z } from 'zod';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import { loadShellPort } from '@chainwatch/shell';
import { assertBrokerReachable, createKafka } from '@chainwatch/kafka';
import { PolicyFilesEnv, createLogger, env, parseConfig, policyFilesOf, serveOps, type Logger, type RunningService, type ServiceEnd } from '@chainwatch/runtime';
import { PROCESSOR_DEFAULTS, ProcessorConfigSchema, topicsFromConfig, type ProcessorConfig } from './config';
import { runKafkaSessionProcessor, type KafkaSessionProcessor } from './kafka/kafka-runner';
import { createProcessorMetrics } from './metrics';

/** Every variable `chainwatch processor` reads (the Kubernetes manifest test checks the manifests against these names). */
export const ProcessorServiceEnv = ProcessorConfigSchema.extend({
  /** /healthz, /readyz and /metrics; 0 = no operations port (and no probes possible). */
  PROCESSOR_METRICS_PORT: env.port(PROCESSOR_DEFAULTS.metricsPort),
  IDLE_SESSION_MS: env.duration(PROCESSOR_DEFAULTS.idleMs, { min: 1000 }),
  ...PolicyFilesEnv.shape,
});
export type ProcessorServiceConfig = z.infer<typeof ProcessorServiceEnv>;

/** Parses the service's environment once at boot; throws ConfigError naming each bad variable. */
export function loadProcessorServiceConfig(source: NodeJS.ProcessEnv = process.env): ProcessorServiceConfig {
  return parseConfig(ProcessorServiceEnv, source);
}

export interface ProcessorServiceDeps {
  readonly logger?: Logger;
  /** Default: the policy files of the config (the shipped ones unless overridden). */
  readonly engine?: DetectionEngine;
}

export interface ProcessorService extends RunningService {
  readonly runner: KafkaSessionProcessor;
  /** The bound operations port, or null when PROCESSOR_METRICS_PORT is 0. */
  readonly opsPort: number | null;
}

/**
 * Starts the processor against Kafka. The operations port is up before the runner: liveness
 * answers while topics are checked and partitions restored; readiness waits for the runner's
 * first assignment to be restored. A consumer kafkajs gave up on ends the service (`ended`,
 * failed), so that the orchestrator restarts it: a live process that no longer consumes would
 * hold its partitions' lag forever.
 */
export async function runProcessorService(config: ProcessorServiceConfig, deps: ProcessorServiceDeps = {}): Promise<ProcessorService> {
  const logger = deps.logger ?? createLogger({ name: 'session-processor', level: config.LOG_LEVEL });
  // The policy first: a bad rule file fails at once, before any connection.
  const engine = deps.engine ?? (await engineOf(config));
  await assertBrokerReachable(config.KAFKA_BROKERS);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let ready = false;
  let end: (e: ServiceEnd) => void = () => undefined;
  const ended = new Promise<ServiceEnd>((resolve) => {
    end = resolve;
  });
  const ops = config.PROCESSOR_METRICS_PORT === 0 ? null : await serveOps({ port: config.PROCESSOR_METRICS_PORT, metrics: registry, ready: () => ready });
  let runner: KafkaSessionProcessor;
  try {
    runner = await runKafkaSessionProcessor({
      kafka,
      groupId: config.PROCESSOR_GROUP_ID,
      engine,
      logger,
      metrics: createProcessorMetrics(registry),
      ...runnerSettings(config),
      onFatal: () => {
        ready = false;
        end({ reason: 'consumer crashed', failed: true });
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
  return {
    runner,
    opsPort: ops?.port ?? null,
    logger,
    ended,
    summary:
      `chainwatch processor: group ${config.PROCESSOR_GROUP_ID} on ${config.KAFKA_BROKERS.join(',')}, policy ${engine.policyVersion}, ` +
      (ops ? `ops :${ops.port} (/healthz /readyz /metrics)` : 'no ops port'),
    // Whatever the state (a broker gone, outputs being retried): what was not committed is
    // replayed by the next owner from its checkpoint.
    close: async () => {
      ready = false;
      await runner.stop();
      await ops?.close();
    },
  };
}

async function engineOf(config: ProcessorServiceConfig): Promise<DetectionEngine> {
  const policy = loadDefaultPolicy(policyFilesOf(config));
  return createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: config.IDLE_SESSION_MS, shell: await loadShellPort() });
}

/** The runner's settings from the processor's environment (also what the processor's child process in the tests runs with). */
function runnerSettings(config: ProcessorConfig) {
  return {
    topics: topicsFromConfig(config),
    partitions: config.PROCESSOR_PARTITIONS,
    replicationFactor: config.PROCESSOR_REPLICATION_FACTOR,
    maxEventBytes: config.PROCESSOR_MAX_EVENT_BYTES,
    chunkSize: config.PROCESSOR_CHUNK_SIZE,
    commitIntervalMs: config.PROCESSOR_COMMIT_INTERVAL_MS,
    punctuateIntervalMs: config.PROCESSOR_PUNCTUATE_INTERVAL_MS,
    restoreTimeoutMs: config.PROCESSOR_RESTORE_TIMEOUT_MS,
    sessionTimeoutMs: config.PROCESSOR_SESSION_TIMEOUT_MS,
  } as const;
}
