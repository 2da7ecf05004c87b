/**
 * Evaluation harness: replays labelled datasets through the detection engine exactly as an
 * enforcement point would (assess before each call, observe after it) and reports detection
 * and flag rates. Labels are read only after the replay, for scoring.
 */
import { writeFileSync } from 'node:fs';
import { createDetectionEngine, loadDefaultPolicy, loadToolCatalog, type RuleSetPort, type ShellPort } from '@chainwatch/core';
import { loadDataset, loadLabels } from './dataset';
import { type RateCount, type SessionOutcome, rateOf as rate } from './events-eval';

export interface DatasetResult {
  readonly sessions: number;
  readonly breached: RateCount;
  readonly breached_not_truncated: RateCount;
  readonly benign: RateCount;
  readonly attacked_not_breached: RateCount;
  /** Rule ids cited among the reasons of flagging decisions, by label group (for tuning). */
  readonly top_rules: Record<string, Record<string, number>>;
  /** Per session, in dataset order (the `--sessions` output). */
  readonly outcomes: readonly SessionOutcome[];
}

export interface RunEvalOptions {
  readonly datasets: readonly string[];
  readonly catalog?: string;
  readonly json?: string;
  /** Write one NDJSON line per session (flagged, first flagged call, rule ids) here. */
  readonly sessions?: string;
  /** Rule set to use; default the shipped rules, null for detectors only. */
  readonly rules?: RuleSetPort | null;
  /** Shell-command analyser (`await loadShellPort()` from @chainwatch/shell); without it shell tools are judged by name. */
  readonly shell?: ShellPort;
  readonly log: (line: string) => void;
}

const pct = (r: RateCount): string => `${(r.rate * 100).toFixed(1)}% (${r.flagged}/${r.n})`;

export function evalDataset(dir: string, opts: { catalog?: string; rules?: RuleSetPort | null; shell?: ShellPort }): DatasetResult {
  const shipped = loadDefaultPolicy();
  const rules = opts.rules === undefined ? shipped.rules : opts.rules;
  const engine = createDetectionEngine({
    policy: shipped.policy,
    ...(opts.catalog !== undefined ? { catalog: loadToolCatalog(opts.catalog) } : {}),
    ...(rules !== null ? { rules } : {}),
    ...(opts.shell !== undefined ? { shell: opts.shell } : {}),
  });
  const data = loadDataset(dir);
  const flagged = new Map<string, string[]>();
  const outcomes: SessionOutcome[] = [];
  for (const session of data.sessions) {
    const rulesHit: string[] = [];
    let first: number | null = null;
    let firstDecision: 'step_up' | 'deny' | null = null;
    session.steps.forEach((step, i) => {
      const res = engine.assess(step.request, step.event.ts);
      if (res.decision !== 'allow') {
        if (first === null) {
          first = i;
          firstDecision = res.decision;
        }
        for (const r of res.reasons) if (!rulesHit.includes(r.rule_id)) rulesHit.push(r.rule_id);
      }
      engine.observe(step.event);
    });
    if (first !== null) flagged.set(session.sessionId, rulesHit);
    outcomes.push({ session_id: session.sessionId, flagged: first !== null, first_flagged_index: first, first_flagged_decision: firstDecision, rule_ids: rulesHit, actions: session.steps.length });
  }
  // Scoring only: labels are read after the replay.
  const labels = loadLabels(dir);
  const groups = { breached: [0, 0], breached_nt: [0, 0], benign: [0, 0], attacked: [0, 0] };
  const top: Record<string, Record<string, number>> = { breached: {}, benign: {}, attacked_not_breached: {} };
  for (const session of data.sessions) {
    const l = labels.get(session.sessionId);
    if (l === undefined) continue;
    const hit = flagged.get(session.sessionId);
    const f = hit !== undefined ? 1 : 0;
    const g = l.breached ? 'breached' : l.attack ? 'attacked_not_breached' : 'benign';
    if (l.breached) {
      groups.breached[0]!++;
      groups.breached[1]! += f;
      if (l.truncated !== true) {
        groups.breached_nt[0]!++;
        groups.breached_nt[1]! += f;
      }
    } else if (l.attack) {
      groups.attacked[0]!++;
      groups.attacked[1]! += f;
    } else {
      groups.benign[0]!++;
      groups.benign[1]! += f;
    }
    const bucket = top[g]!;
    for (const r of hit ?? []) bucket[r] = (bucket[r] ?? 0) + 1;
  }
  return {
    sessions: data.sessions.length,
    breached: rate(groups.breached[0]!, groups.breached[1]!),
    breached_not_truncated: rate(groups.breached_nt[0]!, groups.breached_nt[1]!),
    benign: rate(groups.benign[0]!, groups.benign[1]!),
    attacked_not_breached: rate(groups.attacked[0]!, groups.attacked[1]!),
    top_rules: top,
    outcomes,
  };
}

export function runEval(opts: RunEvalOptions): Record<string, DatasetResult> {
  const results: Record<string, DatasetResult> = {};
  for (const dir of opts.datasets) {
    const name = dir.replace(/\/+$/, '').split('/').pop() ?? dir;
    const t0 = performance.now();
    const r = evalDataset(dir, { ...(opts.catalog !== undefined ? { catalog: opts.catalog } : {}), ...(opts.rules !== undefined ? { rules: opts.rules } : {}), ...(opts.shell !== undefined ? { shell: opts.shell } : {}) });
    results[name] = r;
    opts.log(`dataset ${name}: ${r.sessions} sessions, catalog ${opts.catalog ?? '(none: inference only)'}, rules ${opts.rules === null ? 'off' : 'shipped'}, ${Math.round(performance.now() - t0)} ms`);
    opts.log(`  detection on breached:                 ${pct(r.breached)}`);
    opts.log(`  detection on breached, not truncated:  ${pct(r.breached_not_truncated)}`);
    opts.log(`  flag rate on benign:                   ${pct(r.benign)}`);
    opts.log(`  flag rate on attacked, not breached:   ${pct(r.attacked_not_breached)}`);
    for (const [g, rules] of Object.entries(r.top_rules)) {
      const list = Object.entries(rules).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k}=${v}`).join(', ');
      if (list !== '') opts.log(`  reasons cited in flags (${g}): ${list}`);
    }
  }
  if (opts.sessions !== undefined) writeSessions(opts.sessions, Object.values(results).flatMap((r) => r.outcomes));
  if (opts.json !== undefined) {
    const shape = (r: DatasetResult) => ({ sessions: r.sessions, breached: r.breached, benign: r.benign, attacked_not_breached: r.attacked_not_breached });
    const names = Object.keys(results);
    const out = names.length === 1 ? shape(results[names[0]!]!) : Object.fromEntries(names.map((n) => [n, shape(results[n]!)]));
    writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
  }
  return results;
}

/** Writes per-session outcomes as NDJSON (so a reader can diff which sessions a change flips). */
export function writeSessions(path: string, outcomes: readonly SessionOutcome[]): void {
  writeFileSync(path, outcomes.map((o) => JSON.stringify(o)).join('\n') + (outcomes.length > 0 ? '\n' : ''));
}
