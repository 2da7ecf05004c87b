import { describe, expect, it } from 'vitest';
import { AgentActionEvent } from '@chainwatch/schemas';
import { generateCorpus, suiteScenarios } from '../src/corpus';
import { SHELL_GOALS, SHELL_SCENARIOS, SHELL_VECTORS } from '../src/shell-scenarios';
import { SHELL_TOOL_NAMES } from '../src/shell-workloads';
import { SIM_TOOLS } from '../src/sim-tools';
import { createSimulator, scenarioNames } from '../src/simulator';

const T0 = 1_790_000_000_000;

const commandOf = (e: AgentActionEvent): string | null => {
  const a = e.action.args ?? {};
  for (const k of ['command', 'cmd', 'script', 'input']) if (typeof a[k] === 'string') return a[k] as string;
  if (Array.isArray(a.commands)) return (a.commands as string[]).join('\n');
  return null;
};

/** Values an output put in front of the agent. */
const shown = (e: AgentActionEvent): string[] => {
  const r = e.action.result_entities;
  return r === undefined ? [] : [...r.urls, ...r.domains, ...(r.paths ?? []), ...(r.commands ?? [])];
};

describe('shell corpus', () => {
  it('is its own suite, outside the default mix', () => {
    expect(suiteScenarios('shell').sort()).toEqual(SHELL_SCENARIOS.map((s) => s.name).sort());
    expect(scenarioNames()).not.toContain('shell_benign_fix_tests');
    expect(scenarioNames(undefined, 'shell')).toContain('shell_benign_fix_tests');
    expect(scenarioNames(undefined, 'all').length).toBe(scenarioNames().length + SHELL_SCENARIOS.length);
    const sim = createSimulator({ seed: 2 });
    for (let i = 0; i < 200; i++) expect(sim.nextTrace(T0).scenario.scenario.startsWith('shell_')).toBe(false);
  });

  it('names every attack by vector and goal, so one vector can be held out', () => {
    expect(SHELL_VECTORS.sort()).toEqual(['env', 'file', 'filename', 'output']);
    expect(SHELL_GOALS.length).toBe(8);
    for (const v of SHELL_VECTORS) for (const g of SHELL_GOALS) expect(suiteScenarios('shell')).toContain(`shell_inject_${v}_${g}`);
    const heldOut = suiteScenarios('shell').filter((n) => !n.startsWith('shell_inject_env_'));
    const corpus = generateCorpus({ seed: 4, traces: 300, scenarios: heldOut, attackRate: 0.5 });
    expect(corpus.labels.some((l) => l.kind.startsWith('shell_inject_env_'))).toBe(false);
    expect(corpus.labels.some((l) => l.kind.startsWith('shell_inject_file_'))).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCorpus({ seed: 'shell-7', traces: 120, suite: 'shell' });
    expect(generateCorpus({ seed: 'shell-7', traces: 120, suite: 'shell' })).toEqual(a);
    expect(generateCorpus({ seed: 'shell-8', traces: 120, suite: 'shell' }).events.map((e) => e.event_id)).not.toEqual(a.events.map((e) => e.event_id));
  });

  it('generates schema-valid events of tools no catalog knows, with consistent labels', () => {
    const { events, labels } = generateCorpus({ seed: 11, traces: 400, suite: 'shell', attackRate: 0.5 });
    const sessions = new Set(events.map((e) => e.session_id));
    expect(new Set(labels.map((l) => l.session_id))).toEqual(sessions);
    const byId = new Map(events.map((e) => [e.event_id, e]));
    for (const e of events) {
      const parsed = AgentActionEvent.safeParse(e);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(Object.keys(SIM_TOOLS)).not.toContain(e.action.tool);
    }
    const shellTools = new Set(events.map((e) => e.action.tool).filter((t) => (SHELL_TOOL_NAMES as readonly string[]).includes(t)));
    expect(shellTools.size).toBeGreaterThanOrEqual(6);
    for (const l of labels) {
      if (l.positive) {
        expect(l.kind).toMatch(/^shell_inject_(file|filename|env|output)_/);
        const harm = byId.get(l.harmful_event_id ?? '');
        expect(harm?.session_id).toBe(l.session_id);
        expect(commandOf(harm as AgentActionEvent)).not.toBeNull();
      } else {
        expect(l.kind).toMatch(/^shell_benign_/);
      }
    }
    expect(labels.filter((l) => l.positive).length).toBeGreaterThan(150);
  });

  it('plants every attacker value in a tool output before the harmful command, never in the task', () => {
    const sim = createSimulator({ seed: 'planted', suite: 'shell' });
    for (const def of SHELL_SCENARIOS.filter((s) => s.kind === 'attack')) {
      for (let round = 0; round < 6; round++) {
        const t = sim.scenario(def.name, T0);
        const harmId = t.scenario.expected[0]?.eventId;
        const at = t.events.findIndex((e) => e.event_id === harmId);
        expect(at, def.name).toBeGreaterThan(0);
        const harm = t.events[at] as AgentActionEvent;
        const cmd = commandOf(harm) as string;
        const before = t.events.slice(0, at).flatMap(shown);
        // The command the agent runs (or a value inside it) came from an earlier output …
        const traced = before.filter((v) => v.length > 2 && (cmd.includes(v) || v.includes(cmd)));
        expect(traced.length, `${def.name}: ${cmd}`).toBeGreaterThan(0);
        // … and not from the task.
        const intent = harm.task.intent ?? '';
        for (const v of traced) expect(intent.includes(v), `${def.name}: ${v} in task`).toBe(false);
      }
    }
  });

  it('puts in the task what the hard benign cases then do', () => {
    const sim = createSimulator({ seed: 'hard', suite: 'shell' });
    for (const [name, probe] of [
      ['shell_benign_hard_task_install', (cmd: string, intent: string) => cmd.includes('|') && intent.includes(cmd)],
      ['shell_benign_hard_clean_build', (cmd: string, intent: string) => cmd.startsWith('rm -rf') && intent.includes(cmd)],
      ['shell_benign_hard_ssh_deploy', (cmd: string, intent: string) => cmd.startsWith('ssh deploy@') && intent.includes(cmd.split(' ')[1] as string)],
      ['shell_benign_hard_env_example', (cmd: string, intent: string) => cmd.includes('.env.example') && intent.includes('.env.example')],
    ] as const) {
      const t = sim.scenario(name, T0);
      const hits = t.events.filter((e) => {
        const c = commandOf(e);
        return c !== null && probe(c, e.task.intent ?? '');
      });
      expect(hits.length, name).toBeGreaterThan(0);
    }
  });

  it('draws attacker values from the seed, not from a fixed list', () => {
    const sim = createSimulator({ seed: 'vary', suite: 'shell' });
    const hosts = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const t = sim.scenario('shell_inject_file_download_exec', T0);
      for (const e of t.events) for (const d of e.action.result_entities?.domains ?? []) hosts.add(d);
    }
    expect(hosts.size).toBeGreaterThan(50);
  });
});
