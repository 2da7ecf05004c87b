export { buildDecisionApi, listenDecisionApi, type DecisionApi, type DecisionApiDeps, type DecisionApiOptions } from './app';
export { DECISION_API_DEFAULTS, DEFAULT_OPTIONS } from './defaults';
export { DecisionApiEnv, DecisionTunablesEnv, TokenEnv, apiOptionsFromEnv, loadDecisionApiConfig } from './config';
export { runDecisionApiService, type DecisionApiService } from './service';
export { createDevAuth, type DevAuth } from './auth/dev-auth';
export { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions, type JwksSource } from './auth/jwt-verifier';
export { requireRole } from './auth/authenticate';
export { ROLES, type Role, type Caller } from './auth/roles';
export type { LiveView } from './live-view/live-view';
export { InProcessView, type InProcessViewOptions } from './live-view/in-process-view';
export { KafkaSignalView, type KafkaSignalViewOptions } from './live-view/kafka-signal-view';
export { DecisionService, type DecisionModes, type ApprovalAnswer } from './decisions/decision-service';
export { ApprovalLog, DecisionLog, PublishQueue, type DecisionLogOptions, type PublishQueueOptions } from './decisions/publish-queue';
export { bodyDigest, inputDigest } from './decisions/canonical-digest';
export { isSensitiveAction, catalogSensitivity, type SensitivityCheck } from './decisions/sensitivity';
export { BindingStore, type ApprovalBinding, type BindingState } from './approvals/binding-store';
export { DecisionApiMetrics } from './metrics';
export { errorBody, ErrorBody } from './http/error-body';
export {
  createSigningKey,
  loadSigningKey,
  loadOrCreateSigningKey,
  signingKeyPaths,
  SIGNING_ALGORITHMS,
  JWKS_FILE,
  PRIVATE_KEY_FILE,
  type SigningKey,
  type SigningAlgorithm,
  type TokenClaims,
} from './auth/signing-keys';
export { mapGenAiSpans, nameUuid, type MappedSpans, type MappingOptions, type SpanResult } from './otlp/genai-span-events';
export { spansFromJson } from './otlp/otlp-json';
export { spansFromProtobuf } from './otlp/otlp-proto';
export type { SpanView, AttrValue } from './otlp/otlp-spans';
export { IngestGate, type IngestGateOptions, type Admission } from './ingest/ingest-gate';
export { FailedAuthLimiter, type FailedAuthLimitOptions } from './auth/failed-auth-limiter';
export type { ReadinessCheck } from './routes/health';
export { toIssues, validKeysAt, type RawIssue } from './http/issue-format';
export { CLICKHOUSE_HTTP_PATH } from './routes/clickhouse-http';
export { FindingsPageResponse, TimelineResponse, TraceGraphResponse } from './routes/investigation-schemas';
