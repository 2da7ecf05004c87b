import { z } from 'zod';
import { DEFAULT_IDLE_MS } from '@chainwatch/core';
import { topicNames, type TopicNames } from '@chainwatch/kafka';
import { env, parseConfig, type RetryPolicy } from '@chainwatch/runtime';

/**
 * Topic names the processor reads and writes (renamed through `topicNames`, like every
 * component's). Configurable so tests (and tenants) get their own.
 */
export interface ProcessorTopics {
  /** Input: AgentActionEvent JSON, key trace_id. */
  readonly actions: string;
  /** Quarantine for input that failed decoding or validation (the contract's actionsDlq). */
  readonly dlq: string;
  /** Compacted, key session_id, value RiskSignal JSON. */
  readonly riskSignals: string;
  /** Key session_id, value Finding JSON. */
  readonly findings: string;
  /** Compacted changelog, key trace_id, value engine.checkpoint(traceId); tombstone on eviction. */
  readonly sessionState: string;
  /** Human answers to step-ups (decision API), key binding id: read in full by every instance. */
  readonly approvals: string;
}

/** The processor's topics among the contract's names. */
export function processorTopics(names: TopicNames = topicNames()): ProcessorTopics {
  return {
    actions: names.actions,
    dlq: names.actionsDlq,
    riskSignals: names.riskSignals,
    findings: names.findings,
    sessionState: names.sessionState,
    approvals: names.approvals,
  };
}

export const DEFAULT_TOPICS: ProcessorTopics = processorTopics();

/** Every default of the processor and its service in one place (pino-style `defaultOptions`). */
export const PROCESSOR_DEFAULTS = {
  groupId: 'chainwatch-session-processor',
  clientId: 'chainwatch-session-processor',
  /** Partition count for agent.actions and chainwatch.session-state when the processor creates them. */
  partitions: 6,
  replicationFactor: 1,
  /** Raw records larger than this go to the DLQ unparsed. */
  maxEventBytes: 64 * 1024,
  /** Records handed to the engine per output flush. */
  chunkSize: 2000,
  /** How often checkpoints are written and input offsets committed. */
  commitIntervalMs: 1000,
  /** How often idle sessions are evicted. */
  punctuateIntervalMs: 10_000,
  /** Upper bound on reading the state topic when partitions are assigned. */
  restoreTimeoutMs: 120_000,
  /** Consumer group session timeout: how long a crashed member holds its partitions. */
  sessionTimeoutMs: 30_000,
  /** How long the broker may hold a fetch of the actions topic. */
  maxWaitTimeMs: 250,
  /** How long stop() waits for the final checkpoint and commit. */
  shutdownTimeoutMs: 15_000,
  /** Sessions idle this long are evicted (the core's default). */
  idleMs: DEFAULT_IDLE_MS,
  /** /healthz, /readyz and /metrics of `chainwatch processor`; 0 = none. */
  metricsPort: 9465,
  retry: {
    /** Reading the state topic on assignment (fresh topics, leader moves). */
    stateRead: { attempts: 5, initialMs: 400, factor: 2, maxMs: 3200, jitter: 0 },
    /** Creating and checking the topics at start-up, while a fresh broker propagates metadata. */
    topicSetup: { attempts: 6, initialMs: 250, factor: 2, maxMs: 4000, jitter: 0 },
    /** Producing a chunk's outputs: until accepted (the engine already applied the chunk), until close. */
    outputs: { attempts: Infinity, initialMs: 200, factor: 2, maxMs: 10_000, jitter: 0 },
  } satisfies Record<string, RetryPolicy>,
} as const;

/** Environment of the processor (`chainwatch processor`, and the child processes of its tests). */
export const ProcessorConfigSchema = z.object({
  KAFKA_BROKERS: env.brokers(),
  KAFKA_CLIENT_ID: z.string().min(1).default(PROCESSOR_DEFAULTS.clientId),
  PROCESSOR_GROUP_ID: z.string().min(1).default(PROCESSOR_DEFAULTS.groupId),
  PROCESSOR_PARTITIONS: env.int(PROCESSOR_DEFAULTS.partitions, 1),
  PROCESSOR_REPLICATION_FACTOR: env.int(PROCESSOR_DEFAULTS.replicationFactor, 1),
  PROCESSOR_MAX_EVENT_BYTES: env.int(PROCESSOR_DEFAULTS.maxEventBytes, 1024),
  PROCESSOR_CHUNK_SIZE: env.int(PROCESSOR_DEFAULTS.chunkSize, 1),
  PROCESSOR_COMMIT_INTERVAL_MS: env.duration(PROCESSOR_DEFAULTS.commitIntervalMs, { min: 10 }),
  PROCESSOR_PUNCTUATE_INTERVAL_MS: env.duration(PROCESSOR_DEFAULTS.punctuateIntervalMs),
  PROCESSOR_RESTORE_TIMEOUT_MS: env.duration(PROCESSOR_DEFAULTS.restoreTimeoutMs, { min: 1000 }),
  PROCESSOR_SESSION_TIMEOUT_MS: env.duration(PROCESSOR_DEFAULTS.sessionTimeoutMs, { min: 6000 }),
  PROCESSOR_TOPIC_ACTIONS: env.topic(DEFAULT_TOPICS.actions),
  PROCESSOR_TOPIC_DLQ: env.topic(DEFAULT_TOPICS.dlq),
  PROCESSOR_TOPIC_RISK_SIGNALS: env.topic(DEFAULT_TOPICS.riskSignals),
  PROCESSOR_TOPIC_FINDINGS: env.topic(DEFAULT_TOPICS.findings),
  PROCESSOR_TOPIC_SESSION_STATE: env.topic(DEFAULT_TOPICS.sessionState),
  PROCESSOR_TOPIC_APPROVALS: env.topic(DEFAULT_TOPICS.approvals),
  LOG_LEVEL: env.logLevel(),
});
export type ProcessorConfig = z.infer<typeof ProcessorConfigSchema>;

/** Parses the processor's environment once at boot; throws ConfigError naming each bad variable. */
export function loadProcessorConfig(source: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return parseConfig(ProcessorConfigSchema, source);
}

export function topicsFromConfig(config: ProcessorConfig): ProcessorTopics {
  return processorTopics(
    topicNames({
      actions: config.PROCESSOR_TOPIC_ACTIONS,
      actionsDlq: config.PROCESSOR_TOPIC_DLQ,
      riskSignals: config.PROCESSOR_TOPIC_RISK_SIGNALS,
      findings: config.PROCESSOR_TOPIC_FINDINGS,
      sessionState: config.PROCESSOR_TOPIC_SESSION_STATE,
      approvals: config.PROCESSOR_TOPIC_APPROVALS,
    }),
  );
}
