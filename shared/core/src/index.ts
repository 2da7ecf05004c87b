/** @chainwatch/core: the pure detection core. See engine-api.ts for the facade. */
export type { DetectionEngine, ObserveResult, AssessResult, ApprovalRecord } from './engine-api';
export type { RuleContext, RuleEventView, RuleSessionView, RuleMatch } from './rule-context';
export { createDetectionEngine, DETECTORS, DEFAULT_IDLE_MS, type DetectionEngineOptions } from './engine/create-detection-engine';
export type { ShellPort, ShellAnalysisPort, ShellEffectPort } from './shell/shell-port';
export { DETECTOR_RULES, detectorRule, type DetectorRule, type RuleRole } from './registry/detector-rules';
export { DEFAULT_APPROVAL_TTL_MS } from './engine/approval-book';
export { loadDefaultPolicy, SHIPPED_POLICY_DIR, SHIPPED_CATALOG_PATH, SHIPPED_POLICY_PATH, type DefaultPolicyFiles } from './engine/default-policy';

export { approvalFromEvent } from './engine/approval-event';
export type { RuleSetPort, SequenceStatePort } from './engine/rule-set-port';
export { buildRuleContext } from './engine/rule-context-builder';
export {
  ToolCatalog,
  ToolSpec,
  OutputTrust,
  OUTPUT_TRUSTS,
  EMPTY_CATALOG,
  CatalogError,
  parseToolCatalog,
  loadToolCatalog,
} from './catalog/tool-catalog';
export { resolveAction, type ResolvedAction } from './catalog/resolve-action';
export { inferToolFromName, nameTokens } from './catalog/infer-tool';
export { outputTrustOf } from './catalog/output-trust';
export { coverage as scopeCoverage, type Coverage } from './authority/scope-match';
export { extractEntitiesFromArgs, extractEntitiesFromText, type Entities } from './catalog/extract-entities';
export { resultEntitiesFromTexts } from './catalog/result-entities';
export { ScoringPolicy, DEFAULT_SCORING_POLICY, ScoringPolicyError, parseScoringPolicy, loadScoringPolicy } from './scoring/scoring-policy';
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
  type DetectorTuningInfo,
  type SequenceState,
  type PolicySource,
} from './rules/index';
