import { z } from 'zod';
import { PolicyFilesEnv, env, parseConfig } from '@chainwatch/runtime';
import { DECISION_API_DEFAULTS as D } from './defaults';

const decisionMode = z.enum(['allow', 'step_up', 'deny'], { message: 'must be allow, step_up or deny' });
const closedMode = z.enum(['step_up', 'deny'], { message: 'must be step_up or deny' });

/** The decision policy tunables, shared by the service and the all-in-one `chainwatch start`. */
export const DecisionTunablesEnv = z.object({
  /** Requests per token subject per window (counted after authentication). */
  RATE_LIMIT_MAX: env.int(D.rateLimitMax, 1),
  RATE_LIMIT_WINDOW_MS: env.duration(D.rateLimitWindowMs, { min: 1 }),
  /** Failed or missing authentications per client address per window; past it, 429 before any signature check. */
  AUTH_FAILURES_MAX: env.int(D.authFailuresMax, 1),
  AUTH_FAILURES_WINDOW_MS: env.duration(D.authFailuresWindowMs, { min: 1000 }),
  BODY_LIMIT_BYTES: env.int(D.bodyLimitBytes, 1024),
  /** Bytes of ingested batches waiting for the log's acknowledgement at once; past it, 503 with Retry-After. */
  INGEST_MAX_INFLIGHT_BYTES: env.int(D.ingestMaxInFlightBytes, 1024),
  /** The live view is stale when it has not been confirmed current for this long. */
  VIEW_STALE_MS: env.duration(D.staleMs, { min: 1 }),
  /** Decision for sensitive actions (confidential+ data or egress) while the view is stale. */
  FAIL_MODE_SENSITIVE: closedMode.default(D.failModeSensitive),
  /** Decision floor for other actions while the view is stale ('allow' = fail open). */
  FAIL_MODE_OTHER: decisionMode.default(D.failModeOther),
  SHADOW_MODE: env.bool(D.shadow),
  APPROVAL_TTL_MS: env.duration(D.approvalTtlMs, { min: 1000 }),
  APPROVAL_MAX_PENDING: env.int(D.approvalMaxPending, 1),
  /** Separation of duties: false refuses an approval from the subject that asked for the step-up. */
  APPROVAL_ALLOW_SELF: env.bool(D.approvalAllowSelf),
});
export type DecisionTunablesEnv = z.infer<typeof DecisionTunablesEnv>;

/** Maps the tunables to buildDecisionApi options. */
export function apiOptionsFromEnv(c: DecisionTunablesEnv) {
  return {
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    ingest: { maxInFlightBytes: c.INGEST_MAX_INFLIGHT_BYTES },
    rateLimitMax: c.RATE_LIMIT_MAX,
    rateLimitWindowMs: c.RATE_LIMIT_WINDOW_MS,
    authFailuresMax: c.AUTH_FAILURES_MAX,
    authFailuresWindowMs: c.AUTH_FAILURES_WINDOW_MS,
    staleMs: c.VIEW_STALE_MS,
    failModeSensitive: c.FAIL_MODE_SENSITIVE,
    failModeOther: c.FAIL_MODE_OTHER,
    shadow: c.SHADOW_MODE,
    approvalTtlMs: c.APPROVAL_TTL_MS,
    approvalMaxPending: c.APPROVAL_MAX_PENDING,
    approvalAllowSelf: c.APPROVAL_ALLOW_SELF,
  } as const;
}

/** The token settings of the API, also read by `chainwatch token` (it refuses to mint what the API would refuse). */
export const TokenEnv = z.object({
  JWT_JWKS_FILE: z.string().min(1).optional(),
  JWT_JWKS_URL: env.url().optional(),
  JWT_ISSUER: z.string().min(1).default(D.jwtIssuer),
  JWT_AUDIENCE: z.string().min(1).default(D.jwtAudience),
  /** Tokens living longer than this (exp - iat, seconds), or without iat, are refused. */
  JWT_MAX_LIFETIME_S: env.duration(D.jwtMaxLifetimeS, { unit: 's', min: 60 }),
});

/**
 * Environment of the decision API. Variable names are the keys; parsed once at boot, a bad value
 * fails fast naming the variable. At least one of JWT_JWKS_FILE / JWT_JWKS_URL is required:
 * authentication is never silently off.
 */
export const DecisionApiEnv = DecisionTunablesEnv.extend({
  ...TokenEnv.shape,
  ...PolicyFilesEnv.shape,
  DECISION_API_PORT: env.port(D.port),
  DECISION_API_HOST: z.string().min(1).default(D.host),
  KAFKA_BROKERS: env.brokers(),
  KAFKA_CLIENT_ID: z.string().min(1).default(D.clientId),
  LOG_LEVEL: env.logLevel(),
}).refine((c) => c.JWT_JWKS_FILE !== undefined || c.JWT_JWKS_URL !== undefined, {
  message: 'set JWT_JWKS_FILE or JWT_JWKS_URL (authentication cannot be disabled)',
  path: ['JWT_JWKS_FILE'],
});
export type DecisionApiEnv = z.infer<typeof DecisionApiEnv>;

/** Parse the decision API's environment; throws ConfigError naming each bad variable. */
export function loadDecisionApiConfig(source: NodeJS.ProcessEnv = process.env): DecisionApiEnv {
  return parseConfig(DecisionApiEnv, source);
}
