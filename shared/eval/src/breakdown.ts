/**
 * Eval breakdown for overfitting checks: replays a dataset like run-eval does and reports the
 * rates per suite and per half of the sessions sorted by id (tune on one half, confirm on the
 * other). Labels are read only after the replay.
 *
 *   npx tsx shared/eval/src/breakdown.ts DIR [--list missed|benign|resisted]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { loadDataset, loadLabels } from './dataset';

export interface GroupCounts {
  breached: [number, number];
  benign: [number, number];
  resisted: [number, number];
}

export interface Breakdown {
  readonly bySuite: Record<string, GroupCounts>;
  readonly byHalf: Record<string, GroupCounts>;
  /** Flag reasons per session (absent when not flagged). */
  readonly flagged: Map<string, string[]>;
}

function empty(): GroupCounts {
  return { breached: [0, 0], benign: [0, 0], resisted: [0, 0] };
}

export function breakdown(dir: string): Breakdown {
  const shipped = loadDefaultPolicy();
  const engine = createDetectionEngine({ policy: shipped.policy, rules: shipped.rules });
  const data = loadDataset(dir);
  const flagged = new Map<string, string[]>();
  for (const session of data.sessions) {
    const hit: string[] = [];
    for (const step of session.steps) {
      const res = engine.assess(step.request, step.event.ts);
      if (res.decision !== 'allow') for (const r of res.reasons) if (!hit.includes(r.rule_id)) hit.push(r.rule_id);
      engine.observe(step.event);
    }
    if (hit.length > 0) flagged.set(session.sessionId, hit);
  }
  const suites = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'sessions.ndjson'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { session_id: string; suite?: string | null };
    suites.set(row.session_id, row.suite ?? 'unknown');
  }
  const labels = loadLabels(dir);
  const ids = data.sessions.map((s) => s.sessionId).sort();
  const half = new Map(ids.map((id, i) => [id, i < ids.length / 2 ? 'first half' : 'second half']));
  const bySuite: Record<string, GroupCounts> = {};
  const byHalf: Record<string, GroupCounts> = {};
  for (const id of ids) {
    const l = labels.get(id);
    if (l === undefined) continue;
    const g: keyof GroupCounts = l.breached ? 'breached' : l.attack ? 'resisted' : 'benign';
    const f = flagged.has(id) ? 1 : 0;
    for (const [table, key] of [[bySuite, suites.get(id) ?? 'unknown'], [byHalf, half.get(id) ?? '']] as const) {
      const c = (table[key] ??= empty());
      c[g][0]++;
      c[g][1] += f;
    }
  }
  return { bySuite, byHalf, flagged };
}

const pct = ([n, f]: [number, number]): string => `${n === 0 ? '-' : ((f / n) * 100).toFixed(1)}% (${f}/${n})`;

function formatCounts(name: string, c: GroupCounts): string {
  return `  ${name.padEnd(12)} breached ${pct(c.breached).padEnd(18)} benign ${pct(c.benign).padEnd(18)} resisted ${pct(c.resisted)}`;
}

if (process.argv[1]?.endsWith('breakdown.ts')) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: breakdown.ts DIR [--list missed|benign|resisted]');
  const b = breakdown(dir);
  console.log(`dataset ${dir}`);
  for (const [k, c] of Object.entries(b.bySuite)) console.log(formatCounts(k, c));
  for (const [k, c] of Object.entries(b.byHalf)) console.log(formatCounts(k, c));
  const list = process.argv.indexOf('--list');
  if (list > 0) {
    const what = process.argv[list + 1];
    const labels = loadLabels(dir);
    for (const [id, l] of labels) {
      const g = l.breached ? 'missed' : l.attack ? 'resisted' : 'benign';
      if (g !== what) continue;
      const f = b.flagged.get(id);
      if (what === 'missed' ? f === undefined : f !== undefined) console.log(`${id} ${f?.join(',') ?? ''}`);
    }
  }
}
