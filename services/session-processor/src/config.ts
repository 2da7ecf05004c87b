import { z } from 'zod';
import { env, parseConfig } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';

/** Topic names the processor reads and writes. Configurable so tests (and tenants) get their own. */
export interface ProcessorTopics {
  /** Input: AgentActionEvent JSON, key trace_id. */
  readonly actions: string;
  /** Quarantine for input that failed decoding or validation. */
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

export const DEFAULT_TOPICS: ProcessorTopics = {
  actions: TOPICS.actions,
  dlq: TOPICS.actionsDlq,
  riskSignals: TOPICS.riskSignals,
  findings: TOPICS.findings,
  sessionState: TOPICS.sessionState,
  approvals: TOPICS.approvals,
};

/** Defaults in one place (pino-style `defaultOptions`). */
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
} as const;

/** Environment of the processor service (`chainwatch processor`). */
export const ProcessorConfigSchema = z.object({
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default(PROCESSOR_DEFAULTS.clientId),
  PROCESSOR_GROUP_ID: z.string().min(1).default(PROCESSOR_DEFAULTS.groupId),
  PROCESSOR_PARTITIONS: env.int(PROCESSOR_DEFAULTS.partitions, 1),
  PROCESSOR_REPLICATION_FACTOR: env.int(PROCESSOR_DEFAULTS.replicationFactor, 1),
  PROCESSOR_MAX_EVENT_BYTES: env.int(PROCESSOR_DEFAULTS.maxEventBytes, 1024),
  PROCESSOR_CHUNK_SIZE: env.int(PROCESSOR_DEFAULTS.chunkSize, 1),
  PROCESSOR_COMMIT_INTERVAL_MS: env.int(PROCESSOR_DEFAULTS.commitIntervalMs, 10),
  PROCESSOR_PUNCTUATE_INTERVAL_MS: env.int(PROCESSOR_DEFAULTS.punctuateIntervalMs, 0),
  PROCESSOR_RESTORE_TIMEOUT_MS: env.int(PROCESSOR_DEFAULTS.restoreTimeoutMs, 1000),
  PROCESSOR_SESSION_TIMEOUT_MS: env.int(PROCESSOR_DEFAULTS.sessionTimeoutMs, 6000),
  PROCESSOR_TOPIC_ACTIONS: z.string().min(1).default(DEFAULT_TOPICS.actions),
  PROCESSOR_TOPIC_DLQ: z.string().min(1).default(DEFAULT_TOPICS.dlq),
  PROCESSOR_TOPIC_RISK_SIGNALS: z.string().min(1).default(DEFAULT_TOPICS.riskSignals),
  PROCESSOR_TOPIC_FINDINGS: z.string().min(1).default(DEFAULT_TOPICS.findings),
  PROCESSOR_TOPIC_SESSION_STATE: z.string().min(1).default(DEFAULT_TOPICS.sessionState),
  PROCESSOR_TOPIC_APPROVALS: z.string().min(1).default(DEFAULT_TOPICS.approvals),
  LOG_LEVEL: env.logLevel(),
});
export type ProcessorConfig = z.infer<typeof ProcessorConfigSchema>;

/** Parses the processor's environment once at boot; throws ConfigError naming each bad variable. */
export function loadProcessorConfig(source: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return parseConfig(ProcessorConfigSchema, source);
}

export function topicsFromConfig(config: ProcessorConfig): ProcessorTopics {
  return {
    actions: config.PROCESSOR_TOPIC_ACTIONS,
    dlq: config.PROCESSOR_TOPIC_DLQ,
    riskSignals: config.PROCESSOR_TOPIC_RISK_SIGNALS,
    findings: config.PROCESSOR_TOPIC_FINDINGS,
    sessionState: config.PROCESSOR_TOPIC_SESSION_STATE,
    approvals: config.PROCESSOR_TOPIC_APPROVALS,
  };
}
