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
 *
 * This runs on every request: the strongest finding per rule is kept in two scratch arrays (a
 * session holds at most 16 findings, one per rule, and an action raises a few more, so a linear
 * scan beats a map), in first-seen order, which is the order the noisy-OR products multiply in.
 */
import type { Decision, Reason } from '@chainwatch/schemas';
import type { ScoringPolicy } from '../scoring/scoring-policy';
import { findingWeight, levelOf, type ScoreResult } from '../scoring/score';
import type { ActiveFinding } from '../state/session-state';

const ROLE_ORDER: Readonly<Record<string, number>> = { authority: 0, evidence: 1, heuristic: 2, context: 3 };

/** Scratch, reused by every call (decide is synchronous and never re-entered): the strongest finding per rule and its weight. */
const bestF: ActiveFinding[] = [];
const bestW: number[] = [];
/** Indices into bestF, ranked. */
const ranked: number[] = [];

const roleRank = (f: ActiveFinding): number => ROLE_ORDER[f.role ?? 'evidence'] ?? 1;

/** Ranking: authority first, then by weight, then by rule id (rules are distinct, so the order is total). */
function before(i: number, j: number): boolean {
  const a = bestF[i]!;
  const b = bestF[j]!;
  const byRole = roleRank(a) - roleRank(b);
  if (byRole !== 0) return byRole < 0;
  const byWeight = bestW[j]! - bestW[i]!;
  if (byWeight) return byWeight < 0;
  return a.rule < b.rule;
}

/** Strongest finding per rule weighted at `now`, into the scratch arrays; returns how many. */
function strongest(groups: ReadonlyArray<readonly ActiveFinding[]>, now: number, policy: ScoringPolicy): number {
  let n = 0;
  for (const list of groups) {
    for (const f of list) {
      const w = findingWeight(f, now, policy);
      let i = 0;
      while (i < n && bestF[i]!.rule !== f.rule) i++;
      if (i === n) {
        bestF[n] = f;
        bestW[n] = w;
        n++;
      } else if (w > bestW[i]!) {
        bestF[i] = f;
        bestW[i] = w;
      }
    }
  }
  return n;
}

/** Indices of the findings worth naming (weight above 0.001), ranked by insertion; returns how many. */
function rank(n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!(bestW[i]! > 0.001)) continue;
    let k = m++;
    while (k > 0 && before(i, ranked[k - 1]!)) {
      ranked[k] = ranked[k - 1]!;
      k--;
    }
    ranked[k] = i;
  }
  return m;
}

/**
 * A fresh copy of up to 16 evidence ids. A loop, not slice(): a finding's list is often the frozen
 * empty list of a draft without evidence, and slice() takes a slow path on frozen arrays.
 */
function evidenceCopy(ev: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ev.length && i < 16; i++) out.push(ev[i]!);
  return out;
}

export function decide(groups: ReadonlyArray<readonly ActiveFinding[]>, now: number, policy: ScoringPolicy): ScoreResult {
  const n = strongest(groups, now, policy);
  let authority = false;
  // Noisy-OR: the evidence, what weighs (evidence and heuristics) and everything.
  let restEvidence = 1;
  let restWeighed = 1;
  let restAll = 1;
  for (let i = 0; i < n; i++) {
    const role = bestF[i]!.role;
    const w = bestW[i]!;
    const miss = 1 - Math.min(1, w);
    if (role === 'authority' && w > 0) authority = true;
    if (role === 'evidence' || role === undefined) restEvidence *= miss;
    if (role !== 'context' && role !== 'authority') restWeighed *= miss;
    restAll *= miss;
  }
  const evidence = (1 - restEvidence) * 100;
  const weighed = (1 - restWeighed) * 100;
  const all = (1 - restAll) * 100;
  const d = policy.decisions;
  let decision: Decision = 'allow';
  if (authority || evidence >= d.deny) decision = 'deny';
  else if (weighed >= d.step_up) decision = 'step_up';
  const floor = decision === 'deny' ? d.deny : decision === 'step_up' ? d.step_up : 0;
  const score = Math.round(Math.max(all * 10, floor * 10)) / 10;
  const m = Math.min(rank(n), policy.scoring.top_reasons);
  const reasons: Reason[] = [];
  const evidenceIds: string[] = [];
  for (let k = 0; k < m; k++) {
    const i = ranked[k]!;
    const f = bestF[i]!;
    reasons.push({
      rule_id: f.rule,
      rule_version: f.ver,
      detector: f.det,
      severity: f.sev,
      message: f.msg,
      evidence_event_ids: evidenceCopy(f.ev),
      contribution: Math.round(Math.min(1, bestW[i]!) * 1000) / 10,
    });
    for (let j = 0; j < f.ev.length; j++) {
      const e = f.ev[j]!;
      if (!evidenceIds.includes(e) && evidenceIds.length < 16) evidenceIds.push(e);
    }
  }
  return { score, level: levelOf(score, policy), decision, reasons, evidence: evidenceIds };
}
