/** Debug aid: replays sessions and prints each call with the prospective decision. npx tsx shared/eval/src/trace-session.ts DIR ID... */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { loadDataset } from './dataset';

const [dir, ...ids] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: trace-session.ts DIR ID...');
const shipped = loadDefaultPolicy();
const engine = createDetectionEngine({ policy: shipped.policy, rules: shipped.rules });
const tasks = new Map<string, string>();
for (const line of readFileSync(join(dir, 'sessions.ndjson'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const r = JSON.parse(line) as { session_id: string; suite?: string; task?: string | null };
  tasks.set(r.session_id, `[${r.suite ?? ''}] ${r.task ?? ''}`);
}
for (const s of loadDataset(dir).sessions) {
  if (!ids.includes(s.sessionId)) continue;
  console.log(`\n### ${s.sessionId} ${tasks.get(s.sessionId)?.slice(0, 400)}`);
  for (const step of s.steps) {
    const res = engine.assess(step.request, step.event.ts);
    const a = step.event.action;
    const ents = a.result_entities;
    const e = ents ? [...ents.emails, ...ents.urls, ...ents.ibans, ...ents.phones].slice(0, 6).join(' ') : '';
    console.log(`  ${a.tool}(${JSON.stringify(a.args).slice(0, 160)}) -> ${res.decision} ${res.score} [${res.reasons.map((r) => r.rule_id).join(',')}]  out: ${e}`);
    engine.observe(step.event);
  }
}
