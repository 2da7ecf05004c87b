/** Learns per-agent-type tool-transition baselines (the Markov model of the tool-chaining detector) from NDJSON events. */
import { AgentActionEvent } from '@chainwatch/schemas';
import { type Baseline, TransitionModels } from '@chainwatch/core';

export interface BaselineBuild {
  readonly baseline: Baseline;
  readonly events: number;
  readonly sessions: number;
  readonly invalid: number;
}

/** Learns transition counts per agent type; events of a session are ordered by ts (then file order). */
export function buildBaselineFromText(ndjson: string, builtAt?: string): BaselineBuild {
  const bySession = new Map<string, { type: string; steps: { ts: number; n: number; tool: string }[] }>();
  let invalid = 0;
  let events = 0;
  let n = 0;
  for (const line of ndjson.split('\n')) {
    if (line.trim() === '') continue;
    let parsed;
    try {
      parsed = AgentActionEvent.safeParse(JSON.parse(line));
    } catch {
      invalid++;
      continue;
    }
    if (!parsed.success) {
      invalid++;
      continue;
    }
    const e = parsed.data;
    events++;
    let s = bySession.get(e.session_id);
    if (s === undefined) bySession.set(e.session_id, (s = { type: e.agent.type, steps: [] }));
    s.steps.push({ ts: e.ts, n: n++, tool: e.action.tool });
  }
  const models = new TransitionModels();
  for (const s of bySession.values()) {
    const model = models.learn(s.type);
    if (model === undefined) continue;
    s.steps.sort((a, b) => a.ts - b.ts || a.n - b.n);
    let prev: string | null = null;
    for (const step of s.steps) {
      model.observe(prev, step.tool);
      prev = step.tool;
    }
  }
  const baseline: Baseline = { ...models.toBaseline(), ...(builtAt !== undefined ? { built_at: builtAt } : {}) };
  return { baseline, events, sessions: bySession.size, invalid };
}
