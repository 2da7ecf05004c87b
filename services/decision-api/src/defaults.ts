import { DEFAULT_APPROVAL_TTL_MS } from '@chainwatch/core';
import { DEFAULT_MAX_TOKEN_LIFETIME_S } from './auth/jwt-verifier';
import { DEFAULT_MAX_IN_FLIGHT_BYTES } from './ingest/ingest-gate';

/**
 * Every default of the decision API in one place (pino-style `defaultOptions`): its environment
 * (DecisionApiEnv) and `buildDecisionApi` both read these.
 */
export const DECISION_API_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  clientId: 'chainwatch-decision-api',
  jwtIssuer: 'chainwatch',
  jwtAudience: 'chainwatch-decision-api',
  /** Tokens living longer than this (exp - iat), or without iat, are refused. */
  jwtMaxLifetimeS: DEFAULT_MAX_TOKEN_LIFETIME_S,
  bodyLimitBytes: 1_048_576,
  /** Requests per token subject per window (counted after authentication). */
  rateLimitMax: 60_000,
  rateLimitWindowMs: 60_000,
  /** Failed or missing authentications per client address per window. */
  authFailuresMax: 100,
  authFailuresWindowMs: 60_000,
  /** Bytes of ingested batches waiting for the log's acknowledgement at once. */
  ingestMaxInFlightBytes: DEFAULT_MAX_IN_FLIGHT_BYTES,
  /** The live view is stale when it has not been confirmed current for this long. */
  staleMs: 10_000,
  failModeSensitive: 'step_up',
  failModeOther: 'allow',
  shadow: false,
  /** How long a step-up's approval binding lives (the core's default). */
  approvalTtlMs: DEFAULT_APPROVAL_TTL_MS,
  approvalMaxPending: 10_000,
  /** Separation of duties: the subject that asked for a step-up may not approve it. */
  approvalAllowSelf: false,
} as const;

/** The tunables `buildDecisionApi` falls back to (see DecisionApiOptions). */
export const DEFAULT_OPTIONS = {
  bodyLimitBytes: DECISION_API_DEFAULTS.bodyLimitBytes,
  rateLimitMax: DECISION_API_DEFAULTS.rateLimitMax,
  rateLimitWindowMs: DECISION_API_DEFAULTS.rateLimitWindowMs,
  authFailuresMax: DECISION_API_DEFAULTS.authFailuresMax,
  authFailuresWindowMs: DECISION_API_DEFAULTS.authFailuresWindowMs,
  staleMs: DECISION_API_DEFAULTS.staleMs,
  failModeSensitive: DECISION_API_DEFAULTS.failModeSensitive,
  failModeOther: DECISION_API_DEFAULTS.failModeOther,
  shadow: DECISION_API_DEFAULTS.shadow,
  approvalTtlMs: DECISION_API_DEFAULTS.approvalTtlMs,
  approvalMaxPending: DECISION_API_DEFAULTS.approvalMaxPending,
} as const;
