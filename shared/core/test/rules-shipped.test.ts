import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleSetPort } from '../src/engine/rule-set-port';
import type { RuleContext, RuleEventView, RuleSessionView } from '../src/rule-context';
import { ruleEvent, ruleSession } from './rule-context-fixture';
import { loadRuleSet, OWASP_AGENTIC_TAG, SHIPPED_RULES_DIR, type RuleSet } from '../src/rules/index';
import { DETECTOR_RULES } from '../src/registry/detector-rules';

const EVENT = ruleEvent({ tool: 'search_files', resource: 'drive', required_scopes: ['files:read'], task_scopes: ['files:read', 'mail:send'] });
const SESSION = ruleSession({ events: 3, distinct_tools: 2, max_data_class_rank: 1, last_tool: 'search_files', recent_tools: ['list_files', 'search_files'] });
let n = 0;
const ctx = (event: Partial<RuleEventView> = {}, session: Partial<RuleSessionView> = {}): RuleContext => ({
  event: { ...EVENT, event_id: `e-${++n}`, ...event },
  session: { ...SESSION, ...session },
});
const SEND: Partial<RuleEventView> = {
  tool: 'send_email',
  operation: 'send',
  egress: true,
  destination: 'someone@elsewhere.test',
  destination_external: true,
  destination_provenance: 'intent',
  required_scopes: ['mail:send'],
};

const shipped = loadRuleSet([SHIPPED_RULES_DIR]);
const withExample = loadRuleSet([SHIPPED_RULES_DIR, join(SHIPPED_RULES_DIR, 'user-overrides.example.yaml')]);
const fired = (rs: RuleSet, c: RuleContext): string[] => rs.evaluate(c, rs.newSequenceState()).map((m) => m.rule_id);

describe('shipped rule set', () => {
  it('loads, every rule tagged with an OWASP agentic id, including sequence rules, none repeating a detector id', () => {
    expect(shipped.rules.length).toBeGreaterThanOrEqual(6);
    for (const r of shipped.rules) expect(r.tags.some((t) => OWASP_AGENTIC_TAG.test(t))).toBe(true);
    expect(shipped.rules.filter((r) => r.kind === 'sequence').length).toBeGreaterThanOrEqual(3);
    expect(new Set(shipped.rules.map((r) => r.id.split('-')[1]))).toEqual(new Set(['SCOPE', 'CHAIN', 'PRIV', 'CRED']));
    for (const r of shipped.rules) expect(DETECTOR_RULES.some((d) => d.id === r.id)).toBe(false);
  });

  it('fits the engine port', () => {
    const port: RuleSetPort = shipped;
    expect(port.version).toBe(shipped.version);
  });

  it('loads with the example operator overrides on top: they reach detector-raised ids', () => {
    expect(withExample.version).not.toBe(shipped.version);
    expect(withExample.detectorTuning('scope_drift.unknown_tool')?.enabled).toBe(false);
    const fetch = withExample.detectorTuning('data_flow.fetch_tool_supplied_destination');
    expect(fetch?.hasExceptions).toBe(true);
    expect(withExample.excepted('data_flow.fetch_tool_supplied_destination', ctx({ destination: 'status.vendor.example/x' }))).toBe(true);
    expect(withExample.excepted('data_flow.fetch_tool_supplied_destination', ctx({ destination: 'evil.example/x' }))).toBe(false);
    // user_trusted_domains reaches every detector id whose registry entry names user_trusted_destination.
    expect(withExample.excepted('data_flow.send_to_tool_supplied_destination', ctx({ destination: 'ap@billing-provider.example.net' }))).toBe(true);
    expect(shipped.excepted('data_flow.send_to_tool_supplied_destination', ctx({ destination: 'ap@billing-provider.example.net' }))).toBe(false);
  });

  it('stays quiet on benign actions', () => {
    expect(fired(shipped, ctx())).toEqual([]);
    expect(fired(shipped, ctx(SEND))).toEqual([]);
    expect(fired(shipped, ctx({ ...SEND, destination: 'colleague@corp.test', destination_external: false, egress: false, destination_provenance: 'internal' }, { tainted: true, max_data_class_rank: 2 }))).toEqual([]);
  });

  it('CW-CHAIN-003: injected content then send to a destination from content or nowhere', () => {
    const st = shipped.newSequenceState();
    expect(shipped.evaluate(ctx({ injection_score: 0.9, tool: 'read_inbox' }), st).map((m) => m.rule_id)).toEqual(['CW-SCOPE-005']);
    const send = ctx({ ...SEND, destination_provenance: 'tool_output', destination_source: 'third_party' });
    expect(shipped.evaluate(send, st).map((m) => m.rule_id)).toEqual(['CW-CHAIN-003']);
    const st2 = shipped.newSequenceState();
    shipped.evaluate(ctx({ injection_score: 0.9 }), st2);
    expect(shipped.evaluate(ctx({ ...SEND, destination_provenance: 'intent', destination_source: 'task' }), st2)).toEqual([]);
    // A recipient a directory supplied is vouched for.
    const st3 = shipped.newSequenceState();
    shipped.evaluate(ctx({ injection_score: 0.9 }), st3);
    expect(shipped.evaluate(ctx({ ...SEND, destination_provenance: 'tool_output', destination_source: 'directory' }), st3)).toEqual([]);
  });

  it('CW-SCOPE-006: an uncovered deletion of confidential data, as a heuristic', () => {
    const m = shipped.evaluate(ctx({ operation: 'delete', data_class_rank: 2 }), shipped.newSequenceState());
    expect(m.map((x) => [x.rule_id, x.role])).toEqual([['CW-SCOPE-006', 'heuristic']]);
    expect(fired(shipped, ctx({ operation: 'delete', data_class_rank: 2, envelope_covers: true }))).toEqual([]);
    expect(fired(shipped, ctx({ operation: 'delete', data_class_rank: 2, user_approved: true }))).toEqual([]);
  });

  it('privilege and credential rules', () => {
    expect(fired(shipped, ctx({ operation: 'delegate', kind: 'delegation' }, { tainted: true, max_data_class_rank: 3 }))).toEqual(['CW-PRIV-004']);
    expect(fired(shipped, ctx({ kind: 'auth', required_scopes: ['admin:write'] }))).toEqual(['CW-CRED-003']);
    const st = shipped.newSequenceState();
    const denied = [ctx({ outcome: 'denied' }), ctx({ outcome: 'denied' }), ctx({ outcome: 'denied' })];
    expect(denied.map((c) => shipped.evaluate(c, st).map((m) => m.rule_id))).toEqual([[], [], ['CW-CRED-001']]);
    expect(shipped.evaluate(ctx({ operation: 'delegate' }), st).map((m) => m.rule_id)).toEqual(['CW-PRIV-005']);
  });

  it('evaluates the whole shipped set fast (benchmark, printed)', () => {
    const mix: RuleContext[] = [];
    for (let i = 0; i < 1000; i++) {
      const r = i % 10;
      if (r < 5) mix.push(ctx({ ts: EVENT.ts + i * 1000, data_class_rank: i % 4 }, { events: i % 50, tainted: i % 3 === 0, max_data_class_rank: i % 5 }));
      else if (r < 7) mix.push(ctx({ ...SEND, ts: EVENT.ts + i * 1000, destination_provenance: r === 5 ? 'intent' : 'tool_output' }, { tainted: true, max_data_class_rank: 2 }));
      else if (r === 7) mix.push(ctx({ ts: EVENT.ts + i * 1000, operation: 'execute', tool: 'run_shell' }));
      else if (r === 8) mix.push(ctx({ ts: EVENT.ts + i * 1000, injection_score: 0.8 }));
      else mix.push(ctx({ ts: EVENT.ts + i * 1000, scopes_missing: ['x:w'], outcome: 'denied', operation: 'delete', data_class_rank: 2 }));
    }
    const states = Array.from({ length: 50 }, () => shipped.newSequenceState());
    const pass = (): void => {
      for (let i = 0; i < mix.length; i++) shipped.evaluate(mix[i] as RuleContext, states[i % 50] as ReturnType<RuleSet['newSequenceState']>);
    };
    for (let w = 0; w < 5; w++) pass(); // warm-up
    const rounds = 20;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) pass();
    const usPerEvent = Number(process.hrtime.bigint() - t0) / 1000 / (rounds * mix.length);
    console.log(`[bench] shipped rule set (${shipped.rules.length} rules): ${usPerEvent.toFixed(2)} µs/event, ${Math.round(1e6 / usPerEvent)} events/s`);
    expect(shipped.evaluationErrors).toBe(0);
    expect(usPerEvent).toBeLessThan(200); // generous bound for a shared CI machine; target is ~20 µs
  });
});
