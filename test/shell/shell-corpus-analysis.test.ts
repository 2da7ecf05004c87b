/**
 * The shell corpus read by the shell analyser: every shell call is recognised without a catalog
 * entry and parses cleanly; every attack's harmful command has the effect its goal names, with a
 * target that first appeared in a tool output; the hard benign cases have the same effects with
 * values the task named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentActionEvent } from '@chainwatch/schemas';
import { createShellAnalyzer, shellCommandOf, type ShellAnalyzer, type ShellEffectKind } from '@chainwatch/shell';
import { generateCorpus, SHELL_TOOL_NAMES } from '@chainwatch/simulator';

const GOAL_EFFECT: Readonly<Record<string, ShellEffectKind>> = {
  download_exec: 'download_execute',
  exfil_secret: 'secret_read',
  send_file: 'file_send',
  env_dump: 'secret_read',
  destroy: 'destruction',
  encrypt: 'encryption',
  persist: 'persistence',
  privilege: 'privilege',
};

let analyzer: ShellAnalyzer;
const corpus = generateCorpus({ seed: 'shell-analysis', traces: 500, suite: 'shell', attackRate: 0.5 });
const byId = new Map(corpus.events.map((e) => [e.event_id, e]));

beforeAll(async () => {
  analyzer = await createShellAnalyzer();
});

describe('shell corpus through the shell analyser', () => {
  it('recognises every shell call by its tool name alone, and nothing else', () => {
    let shells = 0;
    for (const e of corpus.events) {
      const cmd = shellCommandOf(e.action.tool, e.action.args ?? {});
      const isShell = (SHELL_TOOL_NAMES as readonly string[]).includes(e.action.tool);
      expect(cmd !== null, e.action.tool).toBe(isShell);
      if (cmd === null) continue;
      shells++;
      const r = analyzer.analyze(cmd.command);
      expect(r.status, cmd.command).toBe('ok');
      expect(r.effects.filter((x) => x.detail === 'analysis_error'), cmd.command).toEqual([]);
    }
    expect(shells).toBeGreaterThan(1_500);
  });

  it("gives every attack's harmful command its goal's effect", () => {
    const goals = new Map<string, number>();
    for (const l of corpus.labels.filter((x) => x.positive)) {
      const goal = l.kind.replace(/^shell_inject_(file|filename|env|output)_/, '');
      const harm = byId.get(l.harmful_event_id ?? '') as AgentActionEvent;
      const cmd = shellCommandOf(harm.action.tool, harm.action.args ?? {});
      expect(cmd, l.kind).not.toBeNull();
      const r = analyzer.analyze(cmd!.command);
      if (goal === 'download_exec' && !r.effects.some((e) => e.kind === 'download_execute')) {
        // Fetched in one call, run in the next: the run is of a script an earlier call fetched
        // (a sequence across calls, for the core's sequence rules).
        const earlier = corpus.events.filter((e) => e.session_id === harm.session_id && e.ts < harm.ts);
        const fetched = earlier.flatMap((e) => {
          const c = shellCommandOf(e.action.tool, e.action.args ?? {});
          const a = c === null ? null : analyzer.analyze(c.command);
          return a !== null && a.effects.some((x) => x.kind === 'network_egress') ? a.paths.written.map((p) => p.normalised) : [];
        });
        expect(r.scripts.some((sc) => fetched.includes(sc.normalised)), `${l.kind}: ${cmd!.command}`).toBe(true);
        goals.set(goal, (goals.get(goal) ?? 0) + 1);
        continue;
      }
      expect(r.effects.map((e) => e.kind), `${l.kind}: ${cmd!.command}`).toContain(GOAL_EFFECT[goal]);
      if (goal === 'exfil_secret' || goal === 'env_dump') expect(r.effects.some((e) => e.kind === 'network_egress'), cmd!.command).toBe(true);
      goals.set(goal, (goals.get(goal) ?? 0) + 1);
    }
    expect([...goals.keys()].sort()).toEqual(Object.keys(GOAL_EFFECT).sort());
  });

  it('the hard benign installer is a download-and-execute from the host the task names', () => {
    const sessions = new Set(corpus.labels.filter((l) => l.kind === 'shell_benign_hard_task_install').map((l) => l.session_id));
    expect(sessions.size).toBeGreaterThan(3);
    for (const e of corpus.events.filter((x) => sessions.has(x.session_id))) {
      const cmd = shellCommandOf(e.action.tool, e.action.args ?? {});
      if (cmd === null) continue;
      for (const fx of analyzer.analyze(cmd.command).effects.filter((x) => x.kind === 'download_execute')) {
        expect(e.task.intent).toContain(fx.host);
      }
    }
  });

  it('gives the same analysis with and without the plain-command fast path, on every command of the corpus', async () => {
    const parsed = await createShellAnalyzer({}, { fastPath: false });
    const fast = await createShellAnalyzer({ cacheEntries: 0 });
    const commands = new Set<string>();
    for (const e of corpus.events) {
      const c = shellCommandOf(e.action.tool, e.action.args ?? {});
      if (c !== null) commands.add(c.command);
    }
    for (const c of commands) expect(fast.analyze(c), c).toEqual(parsed.analyze(c));
    expect(commands.size).toBeGreaterThan(1_000);
  });
});

