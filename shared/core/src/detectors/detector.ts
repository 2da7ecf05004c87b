/**
 * The shape every detector shares. A detector reads the session state as it was BEFORE the
 * action (the engine applies the action to state afterwards) and returns finding drafts; it never
 * mutates state. `observe` runs on the stream, `assess` on a prospective action at request time.
 * Every id a detector raises is in the registry (registry/detector-rules.ts), with its role in
 * the decision.
 */
import type { Detector, Severity } from '@chainwatch/schemas';
import type { TransitionModels } from '../baseline/markov-model';
import { type DetectorRuleId, type RuleRole, detectorRule } from '../registry/detector-rules';
import type { DetectorSettings } from '../scoring/scoring-policy';
import type { CredentialIndex } from '../state/credential-index';
import type { Interner } from '../state/interner';
import type { SessionState } from '../state/session-state';
import type { ActionView } from '../view/action-view';

export type { ActionView } from '../view/action-view';

export interface DetectorContext {
  readonly names: Interner;
  readonly policy: DetectorSettings;
  readonly models: TransitionModels;
  readonly credentials: CredentialIndex;
  /** The organisation's own domains (the catalog's org_domains): hosts there are internal. */
  readonly orgDomains: readonly string[];
  /** Another session of the engine (for delegation chains), if held. */
  readonly session: (sessionId: string) => SessionState | undefined;
}

export interface FindingDraft {
  readonly rule: string;
  readonly version: number;
  readonly detector: Detector;
  readonly severity: Severity;
  readonly confidence: number;
  readonly message: string;
  /** Evidence event ids; the acting event's id is appended by the engine when observed. */
  readonly evidence: readonly string[];
  readonly tags: readonly string[];
  /** Place in the order of a decision (see the registry). */
  readonly role: RuleRole;
  /** Weighs on every later decision of the session. */
  readonly sticky: boolean;
  /** When set, the finding is raised at most once per session for this key. */
  readonly once?: string;
}

export interface DetectorModule {
  readonly name: Detector;
  observe(action: ActionView, ctx: DetectorContext, state: SessionState): FindingDraft[];
  assess(action: ActionView, ctx: DetectorContext, state: SessionState): FindingDraft[];
}

export interface DraftFields {
  readonly confidence: number;
  readonly message: string;
  readonly evidence?: readonly string[];
  readonly once?: string;
  /** Overrides the registry's severity where the detector knows more (e.g. money moving). */
  readonly severity?: Severity;
}

const NO_EVIDENCE: readonly string[] = Object.freeze([]);

/** A finding draft for a registered detector rule. */
export function draft(id: DetectorRuleId, f: DraftFields): FindingDraft {
  const r = detectorRule(id);
  if (r === undefined) throw new Error(`unregistered detector rule ${id}`);
  return {
    rule: id,
    version: 1,
    detector: r.detector,
    severity: f.severity ?? r.severity,
    confidence: Math.max(0, Math.min(1, f.confidence)),
    message: f.message,
    evidence: f.evidence ?? NO_EVIDENCE,
    tags: r.tags,
    role: r.role,
    sticky: r.sticky === true,
    // Always present (undefined when not once): one shape for every draft, no object spread.
    once: f.once,
  };
}

/** A detector whose observe and assess are the same inspection. */
export function detector(name: Detector, inspect: (a: ActionView, ctx: DetectorContext, s: SessionState) => FindingDraft[]): DetectorModule {
  return { name, observe: inspect, assess: inspect };
}
