import { resolve } from 'node:path';
import { z } from 'zod';
import { parseClickHouseConfig, type ClickHouseConfig } from '@chainwatch/clickhouse';
import { DecisionTunablesEnv } from '@chainwatch/decision-api';
import { PolicyFilesEnv, env, parseConfig, policyFilesOf, type PolicyFiles } from '@chainwatch/runtime';
import { PROCESSOR_DEFAULTS } from '@chainwatch/session-processor';
import { TRACE_WRITER_DEFAULTS } from '@chainwatch/trace-writer';
import type { AlertsEnv} from '../alerts/start-alerts';
import { parseAlertsConfig } from '../alerts/start-alerts';

/** Every default of `chainwatch start` in one place (the services' own come from their defaults objects). */
export const ALL_IN_ONE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  /** Records of agent.actions not yet handled by the processor or the writer; past it, ingestion answers 503. */
  maxBacklog: 100_000,
  /** Development tokens printed at start live this long. */
  devTokenTtlS: 12 * 3600,
  /** The subscriber groups of the local log (their positions survive restarts). */
  processorGroup: 'session-processor',
  writerGroup: 'trace-writer',
  /** close() of the writer's subscription lets the batch in flight finish for this long. */
  writerCloseGraceMs: 2000,
  /** --simulate without --rate: events per second. */
  simulateRate: 50,
} as const;

const D = ALL_IN_ONE_DEFAULTS;

const StartEnv = z.object({
  CHAINWATCH_HOST: z.string().min(1).default(D.host),
  CHAINWATCH_PORT: env.port(D.port),
  CHAINWATCH_DATA_DIR: z.string().min(1).default(D.dataDir),
  /** warn: on a terminal, the banner and the findings say what info logs would (LOG_LEVEL=info brings them back). */
  LOG_LEVEL: env.logLevel('warn'),
  IDLE_SESSION_MS: env.duration(PROCESSOR_DEFAULTS.idleMs, { min: 1000 }),
  /** Records of agent.actions not yet handled by the processor or the writer; past it, ingestion answers 503 with Retry-After. */
  INGEST_MAX_BACKLOG: env.int(D.maxBacklog, 100),
  /** /readyz answers 503 once the trace writer has stored nothing for this long while records wait. */
  TRACE_WRITER_STALL_MS: env.duration(TRACE_WRITER_DEFAULTS.stallMs, { min: 1000 }),
});

/** What `chainwatch start` runs with, parsed once before anything starts. */
export interface AllInOneConfig {
  readonly env: z.infer<typeof StartEnv>;
  readonly tunables: DecisionTunablesEnv;
  readonly clickhouse: ClickHouseConfig;
  readonly alerts: z.infer<typeof AlertsEnv>;
  readonly policy: PolicyFiles;
  /** Absolute path of CHAINWATCH_DATA_DIR. */
  readonly dataDir: string;
}

/** The flags of `chainwatch start` that override the environment. */
export interface StartFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly webhook?: string | undefined;
  readonly webhookLevel?: string | undefined;
  readonly printLevel?: string | undefined;
}

/** Parses every setting of `chainwatch start`; throws ConfigError naming each bad variable or flag. */
export function loadAllInOneConfig(flags: StartFlags, source: NodeJS.ProcessEnv = process.env): AllInOneConfig {
  const startEnv = parseConfig(StartEnv, {
    ...source,
    ...(flags.port !== undefined ? { CHAINWATCH_PORT: flags.port } : {}),
    ...(flags.host !== undefined ? { CHAINWATCH_HOST: flags.host } : {}),
  });
  return {
    env: startEnv,
    tunables: parseConfig(DecisionTunablesEnv, source),
    clickhouse: parseClickHouseConfig(source),
    alerts: parseAlertsConfig({ webhookUrl: flags.webhook, webhookLevel: flags.webhookLevel, printLevel: flags.printLevel }, source),
    policy: policyFilesOf(parseConfig(PolicyFilesEnv, source)),
    dataDir: resolve(startEnv.CHAINWATCH_DATA_DIR),
  };
}
