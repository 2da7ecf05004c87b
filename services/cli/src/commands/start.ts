/**
 * `chainwatch start`: the all-in-one mode. One process runs the session processor, the decision
 * API (with HTTP ingestion) and the trace writer, joined by a durable in-process log instead of
 * Kafka (ClickHouseLog: tables in the same embedded ClickHouse engine, or CLICKHOUSE_URL), with
 * traces in the same engine. A batch is answered 200 only once it is on disk; after a crash the
 * processor restores its checkpoints and replays what it had not handled, the writer resumes
 * where it stopped, and /readyz turns 200 once the replay is done. Auth is on: a local signing
 * key is created and development tokens printed.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { createDetectionEngine } from '@chainwatch/core';
import {
  ClickHouseLog,
  InvestigationStore,
  ensureWritableDir,
  openClickHouse,
  openEmbeddedReadOnlySql,
  parseClickHouseConfig,
  runMigrations,
  tuneEmbeddedTables,
  type ClickHouseHandle,
} from '@chainwatch/clickhouse';
import { childLogger, createLogger, env, parseConfig, shutdownWithin } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { DecisionTunablesEnv, ROLES, apiOptionsFromEnv, buildDecisionApi, catalogSensitivity, InProcessView, listenDecisionApi, loadOrCreateSigningKey } from '@chainwatch/decision-api';
import { SessionProcessor, attachProcessorToLocalLog, createProcessorMetrics, localLogSink } from '@chainwatch/session-processor';
import { TraceWriter, TraceWriterMetrics, WRITER_TOPICS, attachToLocalLog } from '@chainwatch/trace-writer';
import { parseAlertsConfig, startAlerts } from '../alerts/start-alerts';
import { InstanceFile } from '../instance/instance-file';
import { assertCanListen, listenError } from '../instance/port-check';
import { parseCliArgs } from './cli-args';
import { devApproverTokenPath, devTokenPath } from './dev-token';
import { loadPolicyFromEnv, withSimulatorTools } from './policy-env';
import { loadShellPort } from '@chainwatch/shell';

const StartEnv = z.object({
  CHAINWATCH_HOST: z.string().min(1).default('127.0.0.1'),
  CHAINWATCH_PORT: env.port(8080),
  CHAINWATCH_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: env.logLevel(),
  IDLE_SESSION_MS: env.int(30 * 60_000, 1000),
  /** Records of agent.actions not yet handled by the processor or the writer; past it, ingestion answers 503 with Retry-After. */
  INGEST_MAX_BACKLOG: env.int(100_000, 100),
  /** /readyz answers 503 once the trace writer has stored nothing for this long while records wait. */
  TRACE_WRITER_STALL_MS: env.int(60_000, 1000),
});

/** The subscriber groups of the local log (their positions survive restarts). */
const PROCESSOR_GROUP = 'session-processor';
const WRITER_GROUP = 'trace-writer';

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, 'start');
  const config = parseConfig(StartEnv, {
    ...process.env,
    ...(values.port !== undefined ? { CHAINWATCH_PORT: values.port } : {}),
    ...(values.host !== undefined ? { CHAINWATCH_HOST: values.host } : {}),
  });
  const tunables = parseConfig(DecisionTunablesEnv);
  const chConfig = parseClickHouseConfig(process.env);
  const logger = createLogger({ name: 'chainwatch', level: config.LOG_LEVEL });
  const dataDir = resolve(config.CHAINWATCH_DATA_DIR);
  const alertsConfig = parseAlertsConfig({ webhookUrl: values.webhook, webhookLevel: values['webhook-level'], printLevel: values['print-level'] });

  // Cheap checks before the store is opened and migrated: the data directory is writable and not
  // used by another instance, and the port is free. Each fails with one line and its fix.
  ensureWritableDir(dataDir);
  const instance = InstanceFile.claim(dataDir, chConfig.url ? null : resolve(chConfig.dataDir));
  await assertCanListen(config.CHAINWATCH_HOST, config.CHAINWATCH_PORT);

  // Storage first: a bad data directory must fail before anything listens. The log gets a
  // connection of its own (same engine, same data directory): acknowledging a batch never
  // queues behind the writer's inserts or an investigation query.
  const ch = await openClickHouse(chConfig, logger);
  let logCh: ClickHouseHandle | null = null;
  try {
    await runMigrations({ client: ch.client, database: ch.database, ttlDays: chConfig.ttlDays, logger });
    if (ch.mode === 'embedded') await tuneEmbeddedTables(ch.client, ch.database);
    logCh = await openClickHouse(chConfig);
  } catch (err) {
    await ch.close();
    throw err;
  }
  const log = await ClickHouseLog.open({
    client: logCh.client,
    database: ch.database,
    keyed: {
      [TOPICS.sessionState]: { stream: false, expiring: false },
      [TOPICS.approvals]: { stream: true, expiring: true },
    },
    logger: childLogger(logger, 'local-log'),
  });

  const policy = withSimulatorTools(loadPolicyFromEnv());
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: config.IDLE_SESSION_MS, shell: await loadShellPort() });
  // Ready once the processor has restored its state and replayed what the log held at start;
  // current while it keeps handling batches (or has nothing left to handle).
  let replayed = false;
  const view = new InProcessView(engine, { caughtUp: () => log.backlog(TOPICS.actions, PROCESSOR_GROUP) === 0, restored: () => replayed });
  // The development key lives in the data directory: a token printed here survives a restart.
  const devKey = await loadOrCreateSigningKey(join(dataDir, 'keys'));
  const dev = {
    jwks: devKey.jwks,
    issuer: devKey.issuer,
    audience: devKey.audience,
    token: await devKey.sign({ sub: 'chainwatch-dev', roles: ROLES, ttlS: 12 * 3600 }),
    sign: (claims: { sub: string; roles: readonly (typeof ROLES)[number][] }) => devKey.sign({ ...claims, ttlS: 12 * 3600 }),
  };
  const writerRef: { writer: TraceWriter | null } = { writer: null };
  const apiOptions = apiOptionsFromEnv(tunables);
  // Grafana reads the embedded store through a read-only ClickHouse HTTP endpoint (a server it reads directly).
  const grafanaReader = ch.mode === 'embedded' ? openEmbeddedReadOnlySql(ch.location, ch.database) : null;
  const api = await buildDecisionApi({
    view,
    publisher: log,
    auth: { jwks: dev.jwks, issuer: dev.issuer, audience: dev.audience },
    logger: childLogger(logger, 'decision-api'),
    options: {
      ...apiOptions,
      isSensitive: catalogSensitivity(policy.catalog),
      defaultMetrics: true,
      ingest: { ...apiOptions.ingest, backlog: () => log.backlog(TOPICS.actions), maxBacklog: config.INGEST_MAX_BACKLOG },
    },
    investigation: { store: new InvestigationStore(ch.client, ch.database) },
    readiness: [
      {
        check: () => {
          const stalled = writerRef.writer?.stalledMs(Date.now()) ?? 0;
          return stalled >= config.TRACE_WRITER_STALL_MS ? { code: 'CW_WRITER_STALLED', reason: `nothing stored for ${Math.round(stalled / 1000)} s` } : null;
        },
      },
    ],
    ...(grafanaReader ? { clickhouseHttp: { reader: grafanaReader } } : {}),
  });
  // One /metrics for the whole process: the processor and the writer register on the API's registry.
  const registry = api.metrics.registry;
  new Gauge({
    name: 'chainwatch_local_log_backlog_records',
    help: 'Records of the durable local log not yet handled, by subscriber group and topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    collect() {
      for (const topic of WRITER_TOPICS) this.set({ group: WRITER_GROUP, topic }, log.backlog(topic, WRITER_GROUP));
      this.set({ group: PROCESSOR_GROUP, topic: TOPICS.actions }, log.backlog(TOPICS.actions, PROCESSOR_GROUP));
    },
  });

  // Binding states answered before a restart: a pending step-up can still be approved, an approved one retried.
  for (const value of (await log.latest(TOPICS.approvals)).values()) {
    if (value !== null) api.service.adopt(value, Date.now());
  }

  const processor = new SessionProcessor({
    engine,
    sink: localLogSink(log),
    logger: childLogger(logger, 'session-processor'),
    metrics: createProcessorMetrics(registry),
  });
  // Restores every checkpoint and approval, then replays what the processor had not handled.
  const processorSub = await attachProcessorToLocalLog(log, processor, {
    group: PROCESSOR_GROUP,
    onProcessed: (now) => view.markFresh(now),
    onReplayed: () => {
      replayed = true;
    },
  });

  const writer = new TraceWriter({
    client: ch.client,
    database: ch.database,
    dlq: log,
    intents: true,
    logger: childLogger(logger, 'trace-writer'),
    metrics: new TraceWriterMetrics(registry),
  });
  writerRef.writer = writer;
  const writerSub = await attachToLocalLog(log, writer, { group: WRITER_GROUP, tokenScope: `log-${log.id}`, closeGraceMs: 2000 });

  const url = await listenDecisionApi(api, { host: config.CHAINWATCH_HOST, port: config.CHAINWATCH_PORT }).catch(async (err: NodeJS.ErrnoException) => {
    throw await listenError(err, config.CHAINWATCH_HOST, config.CHAINWATCH_PORT);
  });
  writeFileSync(devTokenPath(dataDir), `${dev.token}\n`, { mode: 0o600 });
  // Separation of duties: the development token cannot approve its own step-ups; this one can.
  const approverToken = await dev.sign({ sub: 'chainwatch-dev-approver', roles: ['approver'] });
  writeFileSync(devApproverTokenPath(dataDir), `${approverToken}\n`, { mode: 0o600 });
  instance.announce(url);
  const alerts = await startAlerts(log, alertsConfig, {
    quiet: values.quiet === true,
    registry,
    logger: childLogger(logger, 'alerts'),
    source: `chainwatch start on ${url}`,
  });

  console.log(
    [
      `chainwatch: listening on ${url}  (POST /v1/events, /v1/traces, /v1/decisions, GET /healthz, /readyz, /metrics; API docs at /docs)`,
      `chainwatch: traces in ${ch.mode} ClickHouse at ${ch.location} (database ${ch.database}); policy ${engine.policyVersion}`,
      `chainwatch: events acknowledged once on disk (durable local log); ${log.backlog(TOPICS.actions)} record(s) to replay`,
      ...(grafanaReader ? [`chainwatch: Grafana: ClickHouse datasource over HTTP at ${url}/clickhouse (any user, the token as password; docs/dashboards.md)`] : []),
      `chainwatch: development token (roles enforcer, approver, analyst; 12 h) saved to ${devTokenPath(dataDir)}:`,
      dev.token,
      `chainwatch: approver token (approves step-ups the development token asked for) saved to ${devApproverTokenPath(dataDir)}`,
      `chainwatch: ${alerts.description}; try  npm run chainwatch -- simulate --count 2000  in another terminal`,
    ].join('\n'),
  );

  const stopSimulation = new AbortController();
  if (values.simulate) {
    const { runSimulate } = await import('./simulate');
    void runSimulate({
      target: 'http',
      url,
      token: dev.token,
      rate: values.rate ? Number(values.rate) : 50,
      durationSec: 365 * 24 * 3600,
      log: (line) => logger.info(line),
      signal: stopSimulation.signal,
    }).catch((error: unknown) => logger.error({ err: error }, 'simulator stopped'));
  }

  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolveStop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Whatever state it is in (ClickHouse refusing every insert included), the process ends within
  // the deadline: what is acknowledged is on disk already, and is handled after the next start.
  const openLogCh = logCh;
  await shutdownWithin(
    async () => {
      stopSimulation.abort();
      await alerts.close();
      await api.app.close();
      await grafanaReader?.close();
      await processorSub.close();
      await writerSub.close();
      await log.close();
      await openLogCh.close();
      await ch.close();
      instance.release();
    },
    { logger },
  );
  return 0;
}
