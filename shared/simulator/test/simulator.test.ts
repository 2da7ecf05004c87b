import { describe, expect, it } from 'vitest';
import { AgentActionEvent, DETECTORS } from '@chainwatch/schemas';
import { SCENARIOS, createSimulator, scenarioNames } from '../src/simulator';
import { SIM_AGENT_TYPES, SIM_TOOLS } from '../src/sim-tools';

const T0 = 1_790_000_000_000;

describe('simulator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number | string) => {
      const sim = createSimulator({ seed, attackRate: 0.3 });
      return Array.from({ length: 30 }, (_, i) => sim.nextTrace(T0 + i * 60_000));
    };
    expect(run(7)).toEqual(run(7));
    expect(run('seven')).toEqual(run('seven'));
    expect(run(7).flatMap((t) => t.events.map((e) => e.event_id))).not.toEqual(run(8).flatMap((t) => t.events.map((e) => e.event_id)));
  });

  it('generates schema-valid events, ordered in time, with unique ids and the label kept outside the events', () => {
    const sim = createSimulator({ seed: 1, attackRate: 0.5 });
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const trace = sim.nextTrace(T0 + i * 1000);
      expect(trace.events.length).toBeGreaterThan(0);
      let last = 0;
      for (const e of trace.events) {
        expect(AgentActionEvent.safeParse(e).success).toBe(true);
        expect(e.trace_id).toBe(trace.scenario.traceId);
        expect(e.ts).toBeGreaterThanOrEqual(last);
        last = e.ts;
        expect(ids.has(e.event_id)).toBe(false);
        ids.add(e.event_id);
        expect(JSON.stringify(e)).not.toContain(trace.scenario.scenario);
      }
    }
  });

  it('covers every detector with at least one attack scenario and every agent type', () => {
    const targeted = new Set(SCENARIOS.filter((s) => s.kind === 'attack').map((s) => s.detector));
    for (const d of DETECTORS.filter((d) => d !== 'rules')) expect(targeted).toContain(d);
    const sim = createSimulator({ seed: 3 });
    const types = new Set<string>();
    for (const name of scenarioNames()) {
      const trace = sim.scenario(name, T0);
      for (const e of trace.events) types.add(e.agent.type);
      if (trace.scenario.kind === 'attack') {
        expect(trace.scenario.expected.length).toBeGreaterThan(0);
        for (const x of trace.scenario.expected) expect(trace.scenario.sessionIds).toContain(x.sessionId);
      } else {
        expect(trace.scenario.expected).toEqual([]);
      }
      // The core suite calls the simulator's catalogued tools; the enterprise suite calls tools no catalog knows.
      const def = SCENARIOS.find((s) => s.name === name)!;
      if (def.suites.includes('core')) for (const e of trace.events) expect(Object.keys(SIM_TOOLS)).toContain(e.action.tool);
      else for (const e of trace.events) if (e.action.kind !== 'delegation') expect(e.action.operation).toBeUndefined();
    }
    expect([...types].sort()).toEqual([...SIM_AGENT_TYPES].sort());
  });

  it('builds delegation trees: parent links, delegation events naming the child, act chains of the observed tree', () => {
    const sim = createSimulator({ seed: 5 });
    const trace = sim.scenario('orchestrated_fix_with_research', T0);
    const delegations = trace.events.filter((e) => e.action.kind === 'delegation');
    expect(delegations).toHaveLength(2);
    const root = delegations[0]!.session_id;
    for (const d of delegations) {
      const children = trace.events.filter((e) => e.session_id === d.action.target_session_id);
      expect(children.length).toBeGreaterThan(0);
      for (const c of children) {
        expect(c.parent_session_id).toBe(root);
        expect(c.principal.act.map((a) => a.sub)).toEqual([c.agent.id, d.agent.id]);
        // Narrower: a sub-agent's scopes are a subset of the orchestrator's.
        for (const s of c.task.scopes) expect(d.task.scopes).toContain(s);
        expect(c.ts).toBeGreaterThan(d.ts);
      }
    }
  });

  it('honours attackRate', () => {
    const count = (attackRate: number) => {
      const sim = createSimulator({ seed: 11, attackRate });
      let attacks = 0;
      for (let i = 0; i < 1000; i++) if (sim.nextTrace(T0).scenario.kind === 'attack') attacks++;
      return attacks;
    };
    expect(count(0)).toBe(0);
    expect(count(1)).toBe(1000);
    const tenth = count(0.1);
    expect(tenth).toBeGreaterThan(60);
    expect(tenth).toBeLessThan(140);
  });

  it('builds the attack shapes the detectors look for', () => {
    const sim = createSimulator({ seed: 9 });
    const expired = sim.scenario('credential_expired_token', T0).events;
    for (const e of expired) expect(e.credential!.expires_at).toBeLessThan(e.ts);
    const reuse = sim.scenario('credential_token_reuse', T0).events;
    const tokenSessions = new Set(reuse.map((e) => `${e.credential!.token_id}|${e.session_id}`));
    expect(new Set(reuse.map((e) => e.credential!.token_id)).size).toBe(1);
    expect(tokenSessions.size).toBe(2);
    const injected = sim.scenario('data_flow_injected_recipient', T0).events;
    const planted = injected.find((e) => e.action.result_entities?.emails.length)!.action.result_entities!.emails[0]!;
    expect(injected[injected.length - 1]!.action.destination).toBe(planted);
    expect(injected[0]!.task.intent).not.toContain(planted);
    expect(() => sim.scenario('nope', T0)).toThrow(/unknown scenario/);
  });
});
