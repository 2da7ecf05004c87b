/** @chainwatch/core: the pure detection core. See engine-api.ts for the facade. */
export type { DetectionEngine, ObserveResult, AssessResult, ApprovalRecord } from './engine-api';
export type { RuleContext, RuleEventView, RuleSessionView, RuleMatch } from './rule-context';
export { createDetectionEngine, DETECTORS, type DetectionEngineOptions } from './engine/create-detection-engine';
export { loadDefaultPolicy, SHIPPED_POLICY_DIR, SHIPPED_CATALOG_PATH, SHIPPED_POLICY_PATH, type DefaultPolicyFiles } from './engine/default-policy';
export { actionDigest } from './engine/action-digest';
export { approvalFromEvent } from './engine/approval-event';
export type { RuleSetPort, SequenceStatePort } from './engine/rule-set-port';
export { buildRuleContext } from './engine/rule-context-builder';
export {
  ToolCatalog,
  ToolSpec,
  EMPTY_CATALOG,
  CatalogError,
  parseToolCatalog,
  loadToolCatalog,
} from './catalog/tool-catalog';
export { resolveAction, type ResolvedAction } from './catalog/resolve-action';
export { inferToolFromName, nameTokens } from './catalog/infer-tool';
export { extractEntitiesFromArgs, extractEntitiesFromText, type Entities } from './catalog/extract-entities';
export { resultEntitiesFromTexts } from './catalog/result-entities';
export { Policy, DEFAULT_POLICY, PolicyError, parsePolicy, loadPolicy } from './scoring/policy';
export { scoreFindings, findingWeight, levelOf, decisionOf, type ScoreResult } from './scoring/score';
export { Baseline, BaselineModel, TransitionModel, TransitionModels } from './baseline/markov-model';
export { findingId } from './findings/make-finding';
export { StateFormatError } from './state/state-schema';
export {
  parseRuleSet,
  loadRuleSet,
  readRuleSources,
  ruleFiles,
  SHIPPED_RULES_DIR,
  RuleSetError,
  RuleSetStateError,
  formatIssue,
  OWASP_AGENTIC_TAG,
  EVENT_FIELDS,
  SESSION_FIELDS,
  type RuleIssue,
  type RuleSet,
  type RuleInfo,
  type SequenceState,
  type PolicySource,
} from './rules/index';
