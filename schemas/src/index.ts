export {
  LIMITS,
  Text,
  isWellFormed,
  WELL_FORMED_MESSAGE,
  Id,
  Name,
  EpochMs,
  SpiffeId,
  SPIFFE_ID_PATTERN,
  DATA_CLASSES,
  DataClass,
  dataClassRank,
  OPERATIONS,
  Operation,
  ACTION_KINDS,
  ActionKind,
  LEVELS,
  Level,
  SEVERITIES,
  Severity,
  DECISIONS,
  Decision,
  OUTCOMES,
  Outcome,
  Score,
} from './common';
export {
  SCHEMA_VERSION,
  AgentActionEvent,
  type AgentActionEventInput,
  Agent,
  Principal,
  Task,
  Action,
  Credential,
  Context,
  ResultEntities,
  ToolAnnotations,
  ToolArgs,
} from './agent-action';
export { DETECTORS, Detector, Finding, Reason } from './finding';
export { SessionDigest, RiskSignal } from './risk-signal';
export {
  DecisionRequest,
  DecisionResponse,
  ApprovalObligation,
  DecisionRecord,
  ApprovalEvent,
  APPROVAL_STATES,
  FAIL_MODES,
  DECISION_RECORD_KINDS,
} from './decision';
export { TOPICS, type TopicName } from './topics';
export { jsonBoundsViolation, type JsonBounds, type JsonBoundsViolation } from './json-bounds';
export { JSON_SCHEMAS, renderJsonSchema } from './json-schemas';
export { canonicalJson, sha256Digest, argsDigest, actionDigest } from './digest';
