/**
 * The order of a decision (DESIGN §3). Authority first: a finding that the action is outside the
 * declared envelope denies it. Then evidence against this very action (where its arguments came
 * from, a tainted hand-off, a credential problem, the session-wide facts that weigh on every
 * action: a foreign workload, several principals, a forged act chain): combined by noisy-OR, they
 * step up or deny. Heuristics (the task's words, rare transitions, bursts) add to the evidence but
 * on their own never deny: at most they step up. Context findings are reported, never decide.
 *
 * The score is the noisy-OR of every finding considered, raised to the threshold of the decision
 * reached, so level and decision agree; the reasons list the strongest findings, authority first.
 */
import type { Decision, Reason } from '@chainwatch/schemas';
import type { ScoringPolicy } from '../scoring/scoring-policy';
import { findingWeight, levelOf, type ScoreResult } from '../scoring/score';
import type { ActiveFinding } from '../state/session-state';

interface Weighed {
  readonly f: ActiveFinding;
  readonly w: number;
}

/** The strongest finding per rule, weighted at `now`. */
function strongest(groups: ReadonlyArray<readonly ActiveFinding[]>, now: number, policy: ScoringPolicy): Map<string, Weighed> {
  const best = new Map<string, Weighed>();
  for (const list of groups) {
    for (const f of list) {
      const w = findingWeight(f, now, policy);
      const cur = best.get(f.rule);
      if (cur === undefined || w > cur.w) best.set(f.rule, { f, w });
    }
  }
  return best;
}

function noisyOr(items: Iterable<Weighed>, keep: (f: ActiveFinding) => boolean): number {
  let rest = 1;
  for (const x of items) if (keep(x.f)) rest *= 1 - Math.min(1, x.w);
  return 1 - rest;
}

const ROLE_ORDER: Readonly<Record<string, number>> = { authority: 0, evidence: 1, heuristic: 2, context: 3 };

export function decide(groups: ReadonlyArray<readonly ActiveFinding[]>, now: number, policy: ScoringPolicy): ScoreResult {
  const best = strongest(groups, now, policy);
  const items = [...best.values()];
  const authority = items.some((x) => x.f.role === 'authority' && x.w > 0);
  const evidence = noisyOr(items, (f) => f.role === 'evidence' || f.role === undefined) * 100;
  const weighed = noisyOr(items, (f) => f.role !== 'context' && f.role !== 'authority') * 100;
  const all = noisyOr(items, () => true) * 100;
  const d = policy.decisions;
  let decision: Decision = 'allow';
  if (authority || evidence >= d.deny) decision = 'deny';
  else if (weighed >= d.step_up) decision = 'step_up';
  const floor = decision === 'deny' ? d.deny : decision === 'step_up' ? d.step_up : 0;
  const score = Math.round(Math.max(all * 10, floor * 10)) / 10;
  const ranked = items
    .filter((x) => x.w > 0.001)
    .sort((a, b) => (ROLE_ORDER[a.f.role ?? 'evidence'] ?? 1) - (ROLE_ORDER[b.f.role ?? 'evidence'] ?? 1) || b.w - a.w || (a.f.rule < b.f.rule ? -1 : 1));
  const reasons: Reason[] = [];
  const evidenceIds: string[] = [];
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
    for (const e of f.ev) if (!evidenceIds.includes(e) && evidenceIds.length < 16) evidenceIds.push(e);
  }
  return { score, level: levelOf(score, policy), decision, reasons, evidence: evidenceIds };
}
