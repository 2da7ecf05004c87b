/**
 * A labelled corpus from the simulator, for `chainwatch eval --events --labels`: every event of N
 * traces in time order, and one label per session. A session is positive when its trace is an
 * attack and the scenario names it as the attacked session; every other session (benign traces,
 * and the bystanders of an attack trace, such as the orchestrator above an attacked sub-agent) is
 * benign and should not be flagged. The label names the harmful event when the scenario knows it,
 * so a flag counts only if it came before the harm.
 */
import type { AgentActionEvent } from '@chainwatch/schemas';
import { createSimulator, scenarioNames } from './simulator';

export interface CorpusLabel {
  readonly session_id: string;
  readonly positive: boolean;
  readonly kind: string;
  readonly harmful_event_id?: string;
}

export interface Corpus {
  readonly events: readonly AgentActionEvent[];
  readonly labels: readonly CorpusLabel[];
}

export interface CorpusOptions {
  readonly seed: number | string;
  readonly traces: number;
  /** Scenario names to draw from (default: all of the suite). */
  readonly scenarios?: readonly string[];
  /** Scenario suite: 'all' (default) or a suite name scenarios declare. */
  readonly suite?: string;
  /** Share of attack traces (default 0.3). */
  readonly attackRate?: number;
  /** First trace start, epoch ms (default 2026-01-01). */
  readonly start?: number;
}

export function suiteScenarios(suite: string | undefined): string[] {
  return scenarioNames(undefined, suite ?? 'all');
}

export function generateCorpus(o: CorpusOptions): Corpus {
  const names = o.scenarios ?? suiteScenarios(o.suite);
  if (names.length === 0) throw new RangeError(`no scenario in suite ${o.suite ?? 'all'}`);
  const sim = createSimulator({ seed: o.seed, attackRate: o.attackRate ?? 0.3, scenarios: names });
  const events: AgentActionEvent[] = [];
  const labels: CorpusLabel[] = [];
  let clock = o.start ?? 1_767_225_600_000;
  for (let i = 0; i < o.traces; i++) {
    const t = sim.nextTrace(clock);
    clock = (t.events[t.events.length - 1]?.ts ?? clock) + 1_000;
    for (const e of t.events) events.push(e);
    const label = t.scenario;
    for (const sid of label.sessionIds) {
      const hit = label.expected.find((x) => x.sessionId === sid);
      if (label.kind === 'attack' && hit !== undefined) {
        labels.push({ session_id: sid, positive: true, kind: label.scenario, ...(hit.eventId !== undefined ? { harmful_event_id: hit.eventId } : {}) });
      } else {
        labels.push({ session_id: sid, positive: false, kind: label.kind === 'attack' ? `bystander:${label.scenario}` : label.scenario });
      }
    }
  }
  return { events, labels };
}
