/**
 * Noisy-OR scoring: each rule contributes its strongest active finding, weighted by severity ×
 * confidence and halved every `half_life_ms`; score = 100 × (1 − Π(1 − w)). The top
 * contributions become the explanation (Reasons with evidence event ids).
 */
import type { Decision, Level, Reason } from '@chainwatch/schemas';
import type { ActiveFinding } from '../state/session-state';
import type { ScoringPolicy } from './scoring-policy';

/** What scoring reads of a finding: the same shape as a finding held in session state. */
export type Scorable = ActiveFinding;

export interface ScoreResult {
  readonly score: number;
  readonly level: Level;
  readonly decision: Decision;
  readonly reasons: Reason[];
  readonly evidence: string[];
}

export function findingWeight(f: Scorable, now: number, policy: ScoringPolicy): number {
  const w = policy.scoring.severity_weights[f.sev] * f.conf;
  const age = Math.max(0, now - f.ts);
  return age === 0 ? w : w * Math.pow(0.5, age / policy.scoring.half_life_ms);
}

export function levelOf(score: number, policy: ScoringPolicy): Level {
  const l = policy.scoring.levels;
  if (score >= l.critical) return 'critical';
  if (score >= l.high) return 'high';
  if (score >= l.medium) return 'medium';
  return 'low';
}

export function decisionOf(score: number, policy: ScoringPolicy): Decision {
  if (score >= policy.decisions.deny) return 'deny';
  if (score >= policy.decisions.step_up) return 'step_up';
  return 'allow';
}

export function scoreFindings(groups: ReadonlyArray<readonly Scorable[]>, now: number, policy: ScoringPolicy): ScoreResult {
  const best = new Map<string, { f: Scorable; w: number }>();
  for (const list of groups) {
    for (const f of list) {
      const w = findingWeight(f, now, policy);
      const cur = best.get(f.rule);
      if (cur === undefined || w > cur.w) best.set(f.rule, { f, w });
    }
  }
  let keep = 1;
  for (const { w } of best.values()) keep *= 1 - Math.min(1, w);
  const score = Math.round((1 - keep) * 1000) / 10;
  const ranked = [...best.values()].filter((x) => x.w > 0.001).sort((a, b) => b.w - a.w || (a.f.rule < b.f.rule ? -1 : 1));
  const reasons: Reason[] = [];
  const evidence: string[] = [];
  for (const { f, w } of ranked.slice(0, policy.scoring.top_reasons)) {
    reasons.push({
      rule_id: f.rule,
      rule_version: f.ver,
      detector: f.det,
      severity: f.sev,
      message: f.msg,
      evidence_event_ids: f.ev.slice(0, 16),
      contribution: Math.round(Math.min(1, w) * 1000) / 10,
    });
    for (const e of f.ev) if (!evidence.includes(e) && evidence.length < 16) evidence.push(e);
  }
  return { score, level: levelOf(score, policy), decision: decisionOf(score, policy), reasons, evidence };
}
