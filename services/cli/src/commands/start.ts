/**
 * `chainwatch start`: the all-in-one mode. One process runs the session processor, the decision
 * API (with HTTP ingestion) and the trace writer, joined by an in-process log instead of Kafka,
 * with traces in the embedded ClickHouse engine (or CLICKHOUSE_URL). Auth is on: a local signing
 * key is created and a development token printed.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { createDetectionEngine } from '@chainwatch/core';
import { InvestigationStore, ensureWritableDir, openClickHouse, openEmbeddedReadOnlySql, parseClickHouseConfig, runMigrations } from '@chainwatch/clickhouse';
import { MemoryLog } from '@chainwatch/kafka';
import { childLogger, createLogger, env, parseConfig } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { DecisionTunablesEnv, apiOptionsFromEnv, buildDecisionApi, catalogSensitivity, createDevAuth, InProcessView, listenDecisionApi } from '@chainwatch/decision-api';
import { SessionProcessor, attachProcessorToMemoryLog, createProcessorMetrics, memoryLogSink } from '@chainwatch/session-processor';
import { TraceWriter, TraceWriterMetrics, attachToMemoryLog } from '@chainwatch/trace-writer';
import { parseAlertsConfig, startAlerts } from '../alerts/start-alerts';
import { InstanceFile } from '../instance/instance-file';
import { assertCanListen, listenError } from '../instance/port-check';
import { parseCliArgs } from './cli-args';
import { devTokenPath } from './dev-token';
import { loadPolicyFromEnv, withSimulatorTools } from './policy-env';

const StartEnv = z.object({
  CHAINWATCH_HOST: z.string().min(1).default('127.0.0.1'),
  CHAINWATCH_PORT: env.port(8080),
  CHAINWATCH_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: env.logLevel(),
  IDLE_SESSION_MS: env.int(30 * 60_000, 1000),
});

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

  const ch = await openClickHouse(chConfig, logger);
  await runMigrations({ client: ch.client, database: ch.database, ttlDays: chConfig.ttlDays, logger });

  const policy = withSimulatorTools(loadPolicyFromEnv());
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: config.IDLE_SESSION_MS });
  const log = new MemoryLog();
  const view = new InProcessView(engine, { caughtUp: () => log.pending(TOPICS.actions) === 0 });
  const dev = await createDevAuth();
  // Grafana reads the embedded store through a read-only ClickHouse HTTP endpoint (a server it reads directly).
  const grafanaReader = ch.mode === 'embedded' ? openEmbeddedReadOnlySql(ch.location, ch.database) : null;
  const api = await buildDecisionApi({
    view,
    publisher: log,
    auth: { jwks: dev.jwks, issuer: dev.issuer, audience: dev.audience },
    logger: childLogger(logger, 'decision-api'),
    options: { ...apiOptionsFromEnv(tunables), isSensitive: catalogSensitivity(policy.catalog), defaultMetrics: true },
    investigation: { store: new InvestigationStore(ch.client, ch.database) },
    ...(grafanaReader ? { clickhouseHttp: { reader: grafanaReader } } : {}),
  });
  // One /metrics for the whole process: the processor and the writer register on the API's registry.
  const registry = api.metrics.registry;

  const writer = new TraceWriter({
    client: ch.client,
    database: ch.database,
    dlq: log,
    logger: childLogger(logger, 'trace-writer'),
    metrics: new TraceWriterMetrics(registry),
  });
  const writerSub = attachToMemoryLog(log, writer);

  const processor = new SessionProcessor({
    engine,
    sink: memoryLogSink(log),
    logger: childLogger(logger, 'session-processor'),
    metrics: createProcessorMetrics(registry),
  });
  const processorSub = await attachProcessorToMemoryLog(log, processor, { onProcessed: (now) => view.markFresh(now) });

  const url = await listenDecisionApi(api, { host: config.CHAINWATCH_HOST, port: config.CHAINWATCH_PORT }).catch(async (err: NodeJS.ErrnoException) => {
    throw await listenError(err, config.CHAINWATCH_HOST, config.CHAINWATCH_PORT);
  });
  writeFileSync(devTokenPath(dataDir), `${dev.token}\n`, { mode: 0o600 });
  instance.announce(url);
  const alerts = startAlerts(log, alertsConfig, {
    quiet: values.quiet === true,
    registry,
    logger: childLogger(logger, 'alerts'),
    source: `chainwatch start on ${url}`,
  });

  console.log(
    [
      `chainwatch: listening on ${url}  (POST /v1/events, POST /v1/decisions, GET /healthz, /readyz, /metrics; API docs at /docs)`,
      `chainwatch: traces in ${ch.mode} ClickHouse at ${ch.location} (database ${ch.database}); policy ${engine.policyVersion}`,
      ...(grafanaReader ? [`chainwatch: Grafana: ClickHouse datasource over HTTP at ${url}/clickhouse (any user, the token as password; docs/dashboards.md)`] : []),
      `chainwatch: development token (roles enforcer, approver, analyst; 12 h) saved to ${devTokenPath(dataDir)}:`,
      dev.token,
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
  stopSimulation.abort();
  await alerts.close();
  await api.app.close();
  await grafanaReader?.close();
  await processorSub.close();
  await log.idle();
  await writerSub.close();
  await ch.close();
  instance.release();
  return 0;
}
