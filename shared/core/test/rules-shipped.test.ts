import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleSetPort } from '../src/engine/rule-set-port';
import type { RuleContext, RuleEventView, RuleSessionView } from '../src/rule-context';
import { ruleEvent, ruleSession } from './rule-context-fixture';
import { loadRuleSet, OWASP_AGENTIC_TAG, SHIPPED_RULES_DIR, type RuleSet } from '../src/rules/index';

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
  it('loads, with 12–20 rules, every one tagged with an OWASP agentic id, including sequence rules', () => {
    expect(shipped.rules.length).toBeGreaterThanOrEqual(12);
    expect(shipped.rules.length).toBeLessThanOrEqual(20);
    for (const r of shipped.rules) expect(r.tags.some((t) => OWASP_AGENTIC_TAG.test(t))).toBe(true);
    expect(shipped.rules.filter((r) => r.kind === 'sequence').length).toBeGreaterThanOrEqual(3);
    expect(new Set(shipped.rules.map((r) => r.id.split('-')[1]))).toEqual(new Set(['SCOPE', 'CHAIN', 'PRIV', 'CRED']));
  });

  it('fits the engine port', () => {
    const port: RuleSetPort = shipped;
    expect(port.version).toBe(shipped.version);
  });

  it('loads with the example operator overrides on top', () => {
    expect(withExample.version).not.toBe(shipped.version);
    expect(withExample.rules.find((r) => r.id === 'CW-SCOPE-004')?.enabled).toBe(false);
  });

  it('stays quiet on benign actions', () => {
    expect(fired(shipped, ctx())).toEqual([]);
    expect(fired(shipped, ctx(SEND))).toEqual([]);
    expect(fired(shipped, ctx({ ...SEND, destination: 'colleague@corp.test', destination_external: false, egress: false, destination_provenance: 'internal' }, { tainted: true, max_data_class_rank: 2 }))).toEqual([]);
  });

  it('CW-CHAIN-001: sensitive read then external send, not an internal one, not a trusted one', () => {
    const st = shipped.newSequenceState();
    const read = ctx({ data_class: 'confidential', data_class_rank: 2 });
    expect(shipped.evaluate(read, st)).toEqual([]);
    const st2 = st.clone();
    const internal = ctx({ tool: 'send_email', operation: 'send', destination: 'x@corp.test', destination_provenance: 'internal' }, { tainted: true, max_data_class_rank: 2 });
    expect(shipped.evaluate(internal, st2)).toEqual([]);
    // A recipient the task named is what the user asked for: no chain.
    expect(shipped.evaluate(ctx(SEND, { tainted: true, max_data_class_rank: 2 }), st.clone())).toEqual([]);
    const send = ctx({ ...SEND, destination_provenance: 'tool_output' }, { tainted: true, max_data_class_rank: 2 });
    const matches = shipped.evaluate(send, st);
    const chain = matches.find((m) => m.rule_id === 'CW-CHAIN-001');
    expect(chain?.evidence_event_ids).toEqual([read.event.event_id, send.event.event_id]);
    expect(chain?.message).toBe('send_email sent data to someone@elsewhere.test after a sensitive read in the same session');
    expect(matches.map((m) => m.rule_id).sort()).toEqual(['CW-CHAIN-001', 'CW-CHAIN-004', 'CW-CHAIN-006']);

    const trusted = withExample.newSequenceState();
    withExample.evaluate(ctx({ data_class_rank: 2 }), trusted);
    expect(withExample.evaluate(ctx({ ...SEND, destination: 'ap@billing-provider.example.net' }, { tainted: true, max_data_class_rank: 2 }), trusted)).toEqual([]);
  });

  it('CW-CHAIN-002: restricted read then execute', () => {
    const st = shipped.newSequenceState();
    shipped.evaluate(ctx({ data_class: 'secret', data_class_rank: 4, tool: 'read_vault' }), st);
    expect(shipped.evaluate(ctx({ tool: 'run_shell', operation: 'execute' }), st).map((m) => m.rule_id)).toEqual(['CW-CHAIN-002']);
    expect(fired(shipped, ctx({ tool: 'run_shell', operation: 'execute' }))).toEqual([]);
  });

  it('CW-CHAIN-003: injected content then send to a destination the intent did not name', () => {
    const st = shipped.newSequenceState();
    expect(shipped.evaluate(ctx({ injection_score: 0.9, tool: 'read_inbox' }), st).map((m) => m.rule_id)).toEqual(['CW-SCOPE-005']);
    const send = ctx({ ...SEND, destination_provenance: 'tool_output' });
    expect(shipped.evaluate(send, st).map((m) => m.rule_id)).toEqual(['CW-CHAIN-003']);
    const st2 = shipped.newSequenceState();
    shipped.evaluate(ctx({ injection_score: 0.9 }), st2);
    expect(shipped.evaluate(ctx({ ...SEND, destination_provenance: 'intent' }), st2)).toEqual([]);
  });

  it('CW-CHAIN-004: sensitive read then send to a destination only tool output supplied', () => {
    const st = shipped.newSequenceState();
    const read = ctx({ data_class: 'confidential', data_class_rank: 2 });
    shipped.evaluate(read, st);
    const send = ctx({ ...SEND, destination_provenance: 'tool_output' }, { tainted: true, max_data_class_rank: 2 });
    const m = shipped.evaluate(send, st).find((x) => x.rule_id === 'CW-CHAIN-004');
    expect(m?.evidence_event_ids).toEqual([read.event.event_id, send.event.event_id]);
    expect(m?.severity).toBe('critical');
    // a reply to an address from tool output, without a sensitive read, is left to the data-flow detector
    expect(fired(shipped, ctx({ ...SEND, destination_provenance: 'tool_output' }))).toEqual([]);
  });

  it('CW-CHAIN-005: money to an account the task did not name', () => {
    const pay = { tool: 'wire_transfer', operation: 'send', egress: true, destination: 'XX00BANK0000000001', destination_external: true, arg_ibans: ['XX00BANK0000000001'] };
    expect(fired(shipped, ctx({ ...pay, destination_provenance: 'tool_output' }))).toContain('CW-CHAIN-005');
    expect(fired(shipped, ctx({ ...pay, destination_provenance: 'intent' }))).toEqual([]);
    // The task asked to pay without writing the account ("pay the bill in my documents"): the
    // account the agent looked up is the expected one.
    expect(fired(shipped, ctx({ ...pay, destination_provenance: 'tool_output', recipient_left_to_agent: true }))).toEqual([]);
    expect(fired(shipped, ctx({ ...pay, destination_provenance: 'unseen', recipient_left_to_agent: true }))).toContain('CW-CHAIN-005');
  });

  it('scope drift rules fire on their fields and respect approval', () => {
    expect(fired(shipped, ctx({ tool_allowed: false }))).toEqual(['CW-SCOPE-001']);
    expect(fired(shipped, ctx({ tool_allowed: false, user_approved: true }))).toEqual([]);
    expect(fired(shipped, ctx({ over_ceiling: true, data_class: 'secret', data_class_rank: 4 }))).toEqual(['CW-SCOPE-002']);
    const holding = { tainted: true, max_data_class_rank: 2 };
    expect(fired(shipped, ctx({ ...SEND, destination_provenance: 'unseen' }, holding)).sort()).toEqual(['CW-CHAIN-006', 'CW-SCOPE-003']);
    expect(fired(shipped, ctx({ ...SEND, destination_provenance: 'unseen' }))).toEqual([]);
    expect(fired(shipped, ctx({ ...SEND, unknown_tool: true, destination_provenance: 'tool_output' }, holding)).sort()).toEqual(['CW-CHAIN-006', 'CW-SCOPE-004']);
    expect(fired(shipped, ctx({ ...SEND, unknown_tool: true, destination_provenance: 'unseen' }, holding)).sort()).toEqual(['CW-CHAIN-006', 'CW-SCOPE-003', 'CW-SCOPE-004']);
    // The task named the recipient: not egress the user did not ask for.
    expect(fired(shipped, ctx({ ...SEND, unknown_tool: true }, holding))).toEqual([]);
    expect(fired(shipped, ctx({ operation: 'delete', data_class_rank: 2 }))).toEqual(['CW-SCOPE-006']);
  });

  it('privilege and credential rules', () => {
    expect(fired(shipped, ctx({ scopes_missing: ['admin:write'] }))).toEqual(['CW-PRIV-001']);
    expect(fired(shipped, ctx({ delegation_depth: 4 }))).toEqual(['CW-PRIV-002']);
    expect(fired(shipped, ctx({ delegation_depth: 3 }))).toEqual([]);
    expect(fired(shipped, ctx({}, { principals: 2 }))).toEqual(['CW-PRIV-003']);
    expect(fired(shipped, ctx({ operation: 'delegate', kind: 'delegation' }, { tainted: true, max_data_class_rank: 3 }))).toEqual(['CW-PRIV-004']);
    expect(fired(shipped, ctx({ kind: 'auth', required_scopes: ['admin:write'] }))).toEqual(['CW-CRED-003']);
    expect(fired(shipped, ctx({ ...SEND, destination_provenance: 'unseen' }, { max_data_class_rank: 4, tainted: true })).sort()).toEqual(['CW-CHAIN-006', 'CW-CRED-002', 'CW-SCOPE-003']);
    expect(fired(shipped, ctx(SEND, { max_data_class_rank: 4, tainted: true }))).toEqual(['CW-CRED-002']);

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
      else mix.push(ctx({ ts: EVENT.ts + i * 1000, scopes_missing: ['x:w'], outcome: 'denied' }));
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
