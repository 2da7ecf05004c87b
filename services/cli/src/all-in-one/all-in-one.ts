/**
 * `chainwatch start`: the all-in-one mode. One process runs the session processor, the decision
 * API (with HTTP ingestion) and the trace writer, joined by a durable in-process log instead of
 * Kafka (ClickHouseLog: tables in the same embedded ClickHouse engine, or CLICKHOUSE_URL), with
 * traces in the same engine. A batch is answered 200 only once it is on disk; after a crash the
 * processor restores its checkpoints and replays what it had not handled, the writer resumes
 * where it stopped, and /readyz turns 200 once the replay is done. Auth is on: a local signing
 * key is created and development tokens printed. Same shape as every service: config →
 * dependencies → run → close.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import { createDetectionEngine } from '@chainwatch/core';
import { loadShellPort } from '@chainwatch/shell';
import { InvestigationStore, openEmbeddedReadOnlySql, type ClickHouseLog } from '@chainwatch/clickhouse';
import { ROLES, apiOptionsFromEnv, buildDecisionApi, catalogSensitivity, InProcessView, listenDecisionApi, loadOrCreateSigningKey, type DecisionApi } from '@chainwatch/decision-api';
import { NEVER_ENDS, childLogger, createLogger, type RunningService } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { SessionProcessor, attachProcessorToLocalLog, createProcessorMetrics, localLogSink } from '@chainwatch/session-processor';
import { TraceWriter, TraceWriterMetrics, WRITER_TOPICS, attachToLocalLog } from '@chainwatch/trace-writer';
import { startAlerts } from '../alerts/start-alerts';
import { devApproverTokenPath, devTokenPath } from '../commands/dev-token';
import { listenError } from '../instance/port-check';
import { ALL_IN_ONE_DEFAULTS as D, type AllInOneConfig } from './all-in-one-config';
import { loadDemoPolicy } from './demo-policy';
import { openLocalStore, type LocalStore } from './local-store';

export interface AllInOne extends RunningService {
  /** Base URL of the API. */
  readonly url: string;
  /** The development token (roles enforcer, approver, analyst). */
  readonly token: string;
}

export interface AllInOneOptions {
  /** No finding lines on stdout (--quiet). */
  readonly quiet: boolean;
}

export async function runAllInOne(config: AllInOneConfig, options: AllInOneOptions): Promise<AllInOne> {
  const logger = createLogger({ name: 'chainwatch', level: config.env.LOG_LEVEL });
  const store = await openLocalStore(config, logger);
  const { ch, log } = store;
  const policy = loadDemoPolicy(config.policy);
  const engine = createDetectionEngine({ catalog: policy.catalog, policy: policy.policy, rules: policy.rules, idleMs: config.env.IDLE_SESSION_MS, shell: await loadShellPort() });
  // Ready once the processor has restored its state and replayed what the log held at start;
  // current while it keeps handling batches (or has nothing left to handle).
  let replayed = false;
  const view = new InProcessView(engine, { caughtUp: () => log.backlog(TOPICS.actions, D.processorGroup) === 0, restored: () => replayed });
  const dev = await devCredentials(config.dataDir);
  const writerRef: { writer: TraceWriter | null } = { writer: null };
  // Grafana reads the embedded store through a read-only ClickHouse HTTP endpoint (a server it reads directly).
  const grafanaReader = ch.mode === 'embedded' ? openEmbeddedReadOnlySql(ch.location, ch.database) : null;
  const apiOptions = apiOptionsFromEnv(config.tunables);
  const api = await buildDecisionApi({
    view,
    publisher: log,
    auth: dev.auth,
    logger: childLogger(logger, 'decision-api'),
    options: {
      ...apiOptions,
      isSensitive: catalogSensitivity(policy.catalog),
      defaultMetrics: true,
      ingest: { ...apiOptions.ingest, backlog: () => log.backlog(TOPICS.actions), maxBacklog: config.env.INGEST_MAX_BACKLOG },
    },
    investigation: { store: new InvestigationStore(ch.client, ch.database) },
    readiness: [
      {
        check: () => {
          const stalled = writerRef.writer?.stalledMs(Date.now()) ?? 0;
          return stalled >= config.env.TRACE_WRITER_STALL_MS ? { code: 'CW_WRITER_STALLED', reason: `nothing stored for ${Math.round(stalled / 1000)} s` } : null;
        },
      },
    ],
    ...(grafanaReader ? { clickhouseHttp: { reader: grafanaReader } } : {}),
  });
  // One /metrics for the whole process: the processor and the writer register on the API's registry.
  const registry = api.metrics.registry;
  registerBacklogGauge(registry, log);
  await adoptAnsweredApprovals(api, log);

  const processor = new SessionProcessor({ engine, sink: localLogSink(log), logger: childLogger(logger, 'session-processor'), metrics: createProcessorMetrics(registry) });
  // Restores every checkpoint and approval, then replays what the processor had not handled.
  const processorSub = await attachProcessorToLocalLog(log, processor, {
    group: D.processorGroup,
    onProcessed: (now) => view.markFresh(now),
    onReplayed: () => {
      replayed = true;
    },
  });
  const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq: log, intents: true, logger: childLogger(logger, 'trace-writer'), metrics: new TraceWriterMetrics(registry) });
  writerRef.writer = writer;
  const writerSub = await attachToLocalLog(log, writer, { group: D.writerGroup, tokenScope: `log-${log.id}`, closeGraceMs: D.writerCloseGraceMs });

  const { host, port } = { host: config.env.CHAINWATCH_HOST, port: config.env.CHAINWATCH_PORT };
  const url = await listenDecisionApi(api, { host, port }).catch(async (err: NodeJS.ErrnoException) => {
    throw await listenError(err, host, port);
  });
  await dev.save(config.dataDir);
  store.instance.announce(url);
  const alerts = await startAlerts(log, config.alerts, { quiet: options.quiet, registry, logger: childLogger(logger, 'alerts'), source: `chainwatch start on ${url}` });
  return {
    url,
    token: dev.token,
    logger,
    ended: NEVER_ENDS,
    summary: summaryLines({ url, store, policyVersion: engine.policyVersion, grafana: grafanaReader !== null, alerts: alerts.description, dataDir: config.dataDir, token: dev.token }),
    // Whatever state it is in (ClickHouse refusing every insert included): what is acknowledged
    // is on disk already, and is handled after the next start.
    close: async () => {
      await alerts.close();
      await api.app.close();
      await grafanaReader?.close();
      await processorSub.close();
      await writerSub.close();
      await store.close();
    },
  };
}

/** The development key lives in the data directory: a token printed here survives a restart. */
async function devCredentials(dataDir: string) {
  const key = await loadOrCreateSigningKey(join(dataDir, 'keys'));
  const token = await key.sign({ sub: 'chainwatch-dev', roles: ROLES, ttlS: D.devTokenTtlS });
  return {
    auth: { jwks: key.jwks, issuer: key.issuer, audience: key.audience },
    token,
    /** Writes the development token and, for separation of duties, an approver token that may answer its step-ups. */
    async save(dir: string): Promise<void> {
      writeFileSync(devTokenPath(dir), `${token}\n`, { mode: 0o600 });
      const approver = await key.sign({ sub: 'chainwatch-dev-approver', roles: ['approver'], ttlS: D.devTokenTtlS });
      writeFileSync(devApproverTokenPath(dir), `${approver}\n`, { mode: 0o600 });
    },
  };
}

function registerBacklogGauge(registry: Registry, log: ClickHouseLog): void {
  new Gauge({
    name: 'chainwatch_local_log_backlog_records',
    help: 'Records of the durable local log not yet handled, by subscriber group and topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    collect() {
      for (const topic of WRITER_TOPICS) this.set({ group: D.writerGroup, topic }, log.backlog(topic, D.writerGroup));
      this.set({ group: D.processorGroup, topic: TOPICS.actions }, log.backlog(TOPICS.actions, D.processorGroup));
    },
  });
}

/** Binding states answered before a restart: a pending step-up can still be approved, an approved one retried. */
async function adoptAnsweredApprovals(api: DecisionApi, log: ClickHouseLog): Promise<void> {
  for (const value of (await log.latest(TOPICS.approvals)).values()) {
    if (value !== null) api.service.adopt(value, Date.now());
  }
}

function summaryLines(s: { url: string; store: LocalStore; policyVersion: string; grafana: boolean; alerts: string; dataDir: string; token: string }): string {
  const { ch, log } = s.store;
  return [
    `chainwatch: listening on ${s.url}  (POST /v1/events, /v1/traces, /v1/decisions, GET /healthz, /readyz, /metrics; API docs at /docs)`,
    `chainwatch: traces in ${ch.mode} ClickHouse at ${ch.location} (database ${ch.database}); policy ${s.policyVersion}`,
    `chainwatch: events acknowledged once on disk (durable local log); ${log.backlog(TOPICS.actions)} record(s) to replay`,
    ...(s.grafana ? [`chainwatch: Grafana: ClickHouse datasource over HTTP at ${s.url}/clickhouse (any user, the token as password; docs/dashboards.md)`] : []),
    `chainwatch: development token (roles enforcer, approver, analyst; 12 h) saved to ${devTokenPath(s.dataDir)}:`,
    s.token,
    `chainwatch: approver token (approves step-ups the development token asked for) saved to ${devApproverTokenPath(s.dataDir)}`,
    `chainwatch: ${s.alerts}; try  npm run chainwatch -- simulate --count 2000  in another terminal`,
  ].join('\n');
}

