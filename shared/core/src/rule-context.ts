/**
 * What rules see. The detection core builds one RuleContext per event (observe) or prospective
 * action (assess); the rules engine evaluates CEL conditions against it, with the variables
 * `event` and `session` (and `lists`, the policy's named lists). The fields are written once, in
 * rules/rule-context-fields.ts.
 */
import type { EVENT_FIELD_SPECS, SESSION_FIELD_SPECS, ViewOf } from './rules/rule-context-fields';

/** What `event` holds (fields and meanings: rules/rule-context-fields.ts). */
export type RuleEventView = ViewOf<typeof EVENT_FIELD_SPECS>;

/** What `session` holds: the session before this event. */
export type RuleSessionView = ViewOf<typeof SESSION_FIELD_SPECS>;

export interface RuleContext {
  readonly event: RuleEventView;
  readonly session: RuleSessionView;
}

/** A rule that fired, ready to become a Finding. */
export interface RuleMatch {
  readonly rule_id: string;
  readonly rule_version: number;
  /** Place in the order of a decision (see registry/detector-rules.ts). */
  readonly role: 'authority' | 'evidence' | 'heuristic' | 'context';
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly confidence: number;
  readonly message: string;
  readonly evidence_event_ids: readonly string[];
  readonly tags: readonly string[];
}
