/**
 * Leave one suite out: the policy's tunable weights (provenance weights and the step-up threshold)
 * are chosen on every suite of a dataset but one, by a grid search, and the chosen policy is then
 * reported on the hidden suite, beside the shipped defaults. The hidden suite's labels are read
 * only to score it, after the choice is made. `chainwatch eval --dataset DIR --hold-out SUITE`.
 *
 * Objective on the tuning suites: detection on breached sessions minus `fpCost` × the flag rate
 * on benign sessions (default 5: one benign session flagged costs as much as five breached ones
 * caught, per rate point).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createDetectionEngine, loadDefaultPolicy, ScoringPolicy, type RuleSetPort, type ToolCatalog, type ShellPort } from '@chainwatch/core';
import { loadDataset, loadLabels, type ReplaySession } from './dataset';
import { type RateCount, rateOf } from './events-eval';

export interface SuiteRates {
  readonly breached: RateCount;
  readonly benign: RateCount;
  readonly resisted: RateCount;
}

export interface Weights {
  readonly pointed_recipient_weight: number;
  readonly delegated_recipient_weight: number;
  readonly pointed_link_confidence: number;
  readonly step_up: number;
}

export interface HoldOutResult {
  readonly hidden: string;
  readonly tunedOn: readonly string[];
  readonly chosen: Weights;
  readonly tuning: SuiteRates;
  /** The hidden suite with the weights chosen on the others. */
  readonly heldOut: SuiteRates;
  /** The hidden suite with the shipped policy, for comparison. */
  readonly heldOutShipped: SuiteRates;
  readonly candidates: number;
}

export const GRID: Readonly<Record<keyof Weights, readonly number[]>> = {
  pointed_recipient_weight: [0.3, 0.4, 0.6],
  delegated_recipient_weight: [0.6, 0.8, 1],
  pointed_link_confidence: [0.3, 0.45, 0.8],
  step_up: [45, 50, 55],
};

const SessionSuite = z.object({ session_id: z.string(), suite: z.string().nullable().optional() });

function suitesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'sessions.ndjson'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = SessionSuite.parse(JSON.parse(line));
    out.set(row.session_id, row.suite ?? 'unknown');
  }
  return out;
}

function withWeights(base: ScoringPolicy, w: Weights): ScoringPolicy {
  return ScoringPolicy.parse({
    ...base,
    decisions: { ...base.decisions, step_up: w.step_up },
    detectors: { ...base.detectors, pointed_recipient_weight: w.pointed_recipient_weight, delegated_recipient_weight: w.delegated_recipient_weight, pointed_link_confidence: w.pointed_link_confidence },
  });
}

/** Which sessions get flagged (replay never reads labels). */
function flaggedSessions(sessions: readonly ReplaySession[], policy: ScoringPolicy, rules: RuleSetPort, catalog: ToolCatalog | undefined, shell: ShellPort | undefined): Set<string> {
  const engine = createDetectionEngine({ policy, rules, ...(catalog !== undefined ? { catalog } : {}), ...(shell !== undefined ? { shell } : {}) });
  const flagged = new Set<string>();
  for (const s of sessions) {
    for (const step of s.steps) {
      if (engine.assess(step.request, step.event.ts).decision !== 'allow') flagged.add(s.sessionId);
      engine.observe(step.event);
    }
  }
  return flagged;
}

function rates(ids: readonly string[], flagged: ReadonlySet<string>, labels: ReturnType<typeof loadLabels>): SuiteRates {
  const c = { breached: [0, 0], benign: [0, 0], resisted: [0, 0] };
  for (const id of ids) {
    const l = labels.get(id);
    if (l === undefined) continue;
    const g = l.breached ? c.breached : l.attack ? c.resisted : c.benign;
    g[0]!++;
    if (flagged.has(id)) g[1]!++;
  }
  return { breached: rateOf(c.breached[0]!, c.breached[1]!), benign: rateOf(c.benign[0]!, c.benign[1]!), resisted: rateOf(c.resisted[0]!, c.resisted[1]!) };
}

function* grid(): Generator<Weights> {
  for (const a of GRID.pointed_recipient_weight)
    for (const b of GRID.delegated_recipient_weight)
      for (const c of GRID.pointed_link_confidence)
        for (const d of GRID.step_up) yield { pointed_recipient_weight: a, delegated_recipient_weight: b, pointed_link_confidence: c, step_up: d };
}

export function holdOut(dir: string, hidden: string, opts: { fpCost?: number; catalog?: ToolCatalog; shell?: ShellPort; progress?: (line: string) => void } = {}): HoldOutResult {
  const shipped = loadDefaultPolicy();
  const suites = suitesOf(dir);
  const data = loadDataset(dir);
  const hiddenSessions = data.sessions.filter((s) => suites.get(s.sessionId) === hidden);
  const tuneSessions = data.sessions.filter((s) => suites.get(s.sessionId) !== hidden);
  if (hiddenSessions.length === 0) throw new RangeError(`no session of suite '${hidden}' in ${dir} (suites: ${[...new Set(suites.values())].join(', ')})`);
  const tunedOn = [...new Set(tuneSessions.map((s) => suites.get(s.sessionId) ?? 'unknown'))].sort();
  const fpCost = opts.fpCost ?? 5;
  // Labels of the tuning suites only, while choosing.
  const allLabels = loadLabels(dir);
  const tuneIds = tuneSessions.map((s) => s.sessionId);
  const tuneLabels = new Map([...allLabels].filter(([id]) => suites.get(id) !== hidden));
  let best: { w: Weights; r: SuiteRates; score: number } | null = null;
  let n = 0;
  for (const w of grid()) {
    const r = rates(tuneIds, flaggedSessions(tuneSessions, withWeights(shipped.policy, w), shipped.rules, opts.catalog, opts.shell), tuneLabels);
    const score = r.breached.rate - fpCost * r.benign.rate;
    n++;
    if (best === null || score > best.score + 1e-9) best = { w, r, score };
    if (n % 27 === 0) opts.progress?.(`  hold-out ${hidden}: ${n} candidates tried`);
  }
  const chosen = best!.w;
  const hiddenIds = hiddenSessions.map((s) => s.sessionId);
  const hiddenLabels = new Map([...allLabels].filter(([id]) => suites.get(id) === hidden));
  return {
    hidden,
    tunedOn,
    chosen,
    tuning: best!.r,
    heldOut: rates(hiddenIds, flaggedSessions(hiddenSessions, withWeights(shipped.policy, chosen), shipped.rules, opts.catalog, opts.shell), hiddenLabels),
    heldOutShipped: rates(hiddenIds, flaggedSessions(hiddenSessions, shipped.policy, shipped.rules, opts.catalog, opts.shell), hiddenLabels),
    candidates: n,
  };
}

const pct = (r: RateCount): string => `${(r.rate * 100).toFixed(1)}% (${r.flagged}/${r.n})`;

export function formatHoldOut(r: HoldOutResult): string[] {
  const w = r.chosen;
  return [
    `hold out ${r.hidden}: weights chosen on ${r.tunedOn.join(', ')} over ${r.candidates} candidates: pointed_recipient_weight ${w.pointed_recipient_weight}, delegated_recipient_weight ${w.delegated_recipient_weight}, pointed_link_confidence ${w.pointed_link_confidence}, step_up ${w.step_up}`,
    `  tuning suites:           breached ${pct(r.tuning.breached)}, benign ${pct(r.tuning.benign)}, resisted ${pct(r.tuning.resisted)}`,
    `  hidden ${r.hidden.padEnd(17)} breached ${pct(r.heldOut.breached)}, benign ${pct(r.heldOut.benign)}, resisted ${pct(r.heldOut.resisted)}`,
    `  hidden, shipped policy:  breached ${pct(r.heldOutShipped.breached)}, benign ${pct(r.heldOutShipped.benign)}, resisted ${pct(r.heldOutShipped.resisted)}`,
  ];
}
