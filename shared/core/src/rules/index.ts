/** Rules as code: falco-style lists, macros and rules in YAML, conditions in CEL. See docs/rules.md. */
export { parseRuleSet, RuleSetStateError, type DetectorTuningInfo, type RuleInfo, type RuleSet, type RuleSeverity } from './rule-set';
export { loadRuleSet, readRuleSources, ruleFiles, SHIPPED_RULES_DIR } from './load-rule-set';
export { RuleSetError, formatIssue, type RuleIssue } from './rule-set-error';
export type { PolicySource } from './policy-source';
export type { SequenceState } from './sequence-state';
export { OWASP_AGENTIC_TAG } from './rule-file-schema';
export { EVENT_FIELDS, SESSION_FIELDS } from './rule-context-fields';
