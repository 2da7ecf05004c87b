import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { InvestigationStore, ReadOnlySql } from '@chainwatch/clickhouse';
import type { RecordPublisher } from '@chainwatch/kafka';
import { childLogger, createLogger, type Logger } from '@chainwatch/runtime';
import { LIMITS, type Decision } from '@chainwatch/schemas';
import { BindingStore } from './approvals/binding-store';
import { authGuard, installAuthentication, requireRole } from './auth/authenticate';
import { FailedAuthLimiter } from './auth/failed-auth-limiter';
import { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from './auth/jwt-verifier';
import { SubjectRateLimiter } from './auth/rate-limiter';
import { ApprovalLog, DecisionLog } from './decisions/publish-queue';
import { DecisionService } from './decisions/decision-service';
import type { SensitivityCheck } from './decisions/sensitivity';
import { apiDocs } from './http/api-docs';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler';
import './http/openapi-components';
import { IngestGate, type IngestGateOptions } from './ingest/ingest-gate';
import type { LiveView } from './live-view/live-view';
import { DEFAULT_OPTIONS } from './defaults';
import { DecisionApiMetrics } from './metrics';
import { approvalRoutes } from './routes/approvals';
import { decisionRoutes } from './routes/decisions';
import { eventRoutes } from './routes/events';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { sessionRiskRoutes } from './routes/session-risk';
import { traceRoutes } from './routes/traces';

/** Tunables of the API; every field has a production default (see DecisionApiEnv). */
export interface DecisionApiOptions {
  readonly bodyLimitBytes?: number;
  /** Requests per token subject per window. */
  readonly rateLimitMax?: number;
  readonly rateLimitWindowMs?: number;
  /** Failed or missing authentications per client address per window, before any signature check. */
  readonly authFailuresMax?: number;
  readonly authFailuresWindowMs?: number;
  readonly staleMs?: number;
  readonly failModeSensitive?: 'step_up' | 'deny';
  readonly failModeOther?: Decision;
  readonly shadow?: boolean;
  readonly approvalTtlMs?: number;
  readonly approvalMaxPending?: number;
  /** Let the subject that asked for a step-up approve it too (default false: separation of duties). */
  readonly approvalAllowSelf?: boolean;
  /** Which actions are sensitive for the stale-view fail mode (default: from the request alone). */
  readonly isSensitive?: SensitivityCheck;
  /** Topic overrides (tests, multi-tenant brokers); default: the contract's TOPICS. */
  readonly topics?: { readonly decisions?: string; readonly actions?: string; readonly approvals?: string };
  /** Include prom-client's process metrics (default false: several APIs may share one process in tests). */
  readonly defaultMetrics?: boolean;
  /** Bounds on what ingestion holds (in-flight bytes; the local log's backlog in `chainwatch start`). */
  readonly ingest?: IngestGateOptions;
}

export interface DecisionApiDeps {
  /** The live session-risk view (Kafka-fed, or the in-process engine of `chainwatch start`). */
  readonly view: LiveView;
  /** Where ingested events, decision-log records and approval answers go (KafkaRecordLog or MemoryLog). */
  readonly publisher: RecordPublisher;
  /** JWT verification: keys (inline JWKS, file or URL) with issuer and audience, or a ready verifier. */
  readonly auth: JwtVerifierOptions | { readonly verifier: JwtVerifier };
  readonly options?: DecisionApiOptions;
  readonly logger?: Logger;
  /** This instance's id in published binding states (default: random per app). */
  readonly instanceId?: string;
  /** When given, the investigation endpoints (role analyst) are served over this store. */
  readonly investigation?: { readonly store: InvestigationStore };
  /** Further conditions of /readyz (the all-in-one mode: the trace writer makes progress). */
  readonly readiness?: readonly ReadinessCheck[];
  /** When given, a read-only ClickHouse HTTP interface (role analyst) at /clickhouse, for Grafana. */
  readonly clickhouseHttp?: { readonly reader: ReadOnlySql };
}

export interface DecisionApi {
  readonly app: FastifyInstance;
  readonly service: DecisionService;
  readonly decisionLog: DecisionLog;
  /** Binding states published for the other instances and the processors (chainwatch.approvals). */
  readonly approvalLog: ApprovalLog;
  readonly metrics: DecisionApiMetrics;
  readonly bindings: BindingStore;
}

/** The contract's longest id (256 UTF-16 units), each percent-encoded as up to 9 characters. */
const MAX_ENCODED_PARAM_LENGTH = LIMITS.id * 9;

/**
 * Builds the decision API without listening (tests inject(); `listenDecisionApi` binds a port).
 * Closing the app flushes the decision log; the view and the publisher belong to the caller.
 */
export async function buildDecisionApi(deps: DecisionApiDeps): Promise<DecisionApi> {
  const o = { ...(DEFAULT_OPTIONS satisfies DecisionApiOptions), ...deps.options };
  const logger = deps.logger ?? createLogger({ name: 'decision-api' });
  const verifier = 'verifier' in deps.auth ? deps.auth.verifier : await createJwtVerifier(deps.auth);
  const metrics = new DecisionApiMetrics(
    () => deps.view.ageMs(Date.now()),
    () => deps.view.ready(),
    { defaultMetrics: o.defaultMetrics ?? false },
  );
  const decisionLog = new DecisionLog(deps.publisher, {
    logger,
    onDrop: (n) => metrics.decisionLogDropped.inc(n),
    ...(o.topics?.decisions ? { topic: o.topics.decisions } : {}),
  });
  const approvalLog = new ApprovalLog(deps.publisher, {
    logger,
    ...(o.topics?.approvals ? { topic: o.topics.approvals } : {}),
  });
  const bindings = new BindingStore({ ttlMs: o.approvalTtlMs, maxEntries: o.approvalMaxPending, allowSelfApproval: o.approvalAllowSelf ?? false });
  const service = new DecisionService(
    deps.view,
    bindings,
    {
      staleMs: o.staleMs,
      failModeSensitive: o.failModeSensitive,
      failModeOther: o.failModeOther,
      shadow: o.shadow,
      ...(o.isSensitive ? { isSensitive: o.isSensitive } : {}),
    },
    decisionLog,
    metrics,
    approvalLog,
    deps.instanceId ?? randomUUID(),
  );

  const app = Fastify({
    loggerInstance: childLogger(logger, 'http') as FastifyBaseLogger,
    // No per-request log lines on the hot path; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // One logger for all requests: no per-request child logger (and its redaction setup) on the hot path.
    childLoggerFactory: (parent) => parent,
    bodyLimit: o.bodyLimitBytes,
    return503OnClosing: true,
    // Path parameters up to the contract's id length (256), percent-encoded (up to 9 characters
    // each); zod checks the decoded value. Longer ones, and malformed URLs, get the documented
    // error shape without the path echoed.
    routerOptions: { maxParamLength: MAX_ENCODED_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Failed and missing authentication, counted per client address, refused before any signature check.
  const failures = await FailedAuthLimiter.install(app, { max: o.authFailuresMax, windowMs: o.authFailuresWindowMs });
  // Unknown routes answer 404 only to an authenticated caller (no route discovery without a token).
  installErrorHandling(app, logger, { notFoundGuard: authGuard(verifier, undefined, null, failures) });
  // Quota per token subject, checked right after authentication, before the body is read.
  installAuthentication(app, verifier, new SubjectRateLimiter(o.rateLimitMax, o.rateLimitWindowMs), failures);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Chainwatch decision API',
        description: 'Request-time allow / step_up / deny decisions for AI agent actions, from live session risk.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(healthRoutes, { view: deps.view, metrics, ...(deps.readiness ? { checks: deps.readiness } : {}) });
  await app.register(decisionRoutes, { service });
  await app.register(approvalRoutes, { service });
  await app.register(sessionRiskRoutes, { view: deps.view, staleMs: o.staleMs });
  // One gate bounds every ingestion route: NDJSON events and OTLP spans share the same storage.
  const gate = new IngestGate(o.ingest);
  await app.register(eventRoutes, { publisher: deps.publisher, metrics, gate, ...(o.topics?.actions ? { topic: o.topics.actions } : {}) });
  await app.register(traceRoutes, { publisher: deps.publisher, metrics, gate, ...(o.topics?.actions ? { topic: o.topics.actions } : {}) });
  if (deps.investigation) {
    // Loaded only when served: the investigation routes pull in the ClickHouse adapter.
    const { investigationRoutes } = await import('./routes/investigation');
    await app.register(investigationRoutes, { store: deps.investigation.store, preHandler: requireRole('analyst') });
  }
  if (deps.clickhouseHttp) {
    const { clickHouseHttpRoutes } = await import('./routes/clickhouse-http');
    await app.register(clickHouseHttpRoutes, { reader: deps.clickhouseHttp.reader, logger });
  }
  await app.register(apiDocs);

  app.addHook('onClose', async () => {
    await Promise.all([decisionLog.close(), approvalLog.close()]);
  });
  await app.ready();
  return { app, service, decisionLog, approvalLog, metrics, bindings };
}

/** Listen on host:port (port 0 = any free port); returns the base URL. */
export async function listenDecisionApi(api: DecisionApi, options: { host: string; port: number }): Promise<string> {
  const address = await api.app.listen({ host: options.host, port: options.port });
  return address;
}
