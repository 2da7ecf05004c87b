import { describe, expect, it } from 'vitest';
import type { RuleContext } from '../src/rule-context';
import { ruleEvent, ruleSession } from './rule-context-fixture';
import { parseRuleSet, RuleSetStateError, type RuleSet, type SequenceState } from '../src/rules/index';

const EVENT = ruleEvent();
const SESSION = ruleSession();

/** Events are named by their tool: 'a', 'b', 'c' match the steps of the test rules; 'x' matches none. */
let seq = 0;
const ev = (tool: string, ts: number, id = `e-${++seq}`): RuleContext => ({ event: { ...EVENT, tool, ts, event_id: id }, session: SESSION });

const seqRule = (id: string, steps: string[], window: string, extra = ''): string => `
- rule: ${id}
  version: 1
  severity: high
  confidence: 0.9
  tags: [ASI02]
  description: sequence test
  message: "{event.tool} completes {rule.id}"
  sequence:
    steps: ${JSON.stringify(steps.map((t) => `event.tool == '${t}'`))}
${window}
${extra}`;

const build = (...texts: string[]): RuleSet => parseRuleSet(texts.map((text, i) => ({ name: `s${i}.yaml`, text })));
const T0 = 1_760_000_000_000;

/** Feed events through one state; return the matches of each event. */
const run = (rs: RuleSet, state: SequenceState, events: RuleContext[]): string[][] =>
  events.map((e) => rs.evaluate(e, state).map((m) => `${m.rule_id}:${m.evidence_event_ids.join(',')}`));

describe('sequence rules', () => {
  const abc = build(seqRule('S', ['a', 'b', 'c'], '    within_ms: 60000\n    within_events: 10'));

  it('fires at the final step only, citing every step in order', () => {
    const st = abc.newSequenceState();
    const out = run(abc, st, [ev('a', T0, 'A'), ev('x', T0 + 1, 'X'), ev('b', T0 + 2, 'B'), ev('c', T0 + 3, 'C')]);
    expect(out).toEqual([[], [], [], ['S:A,B,C']]);
    const [m] = abc.evaluate(ev('a', T0 + 4), abc.newSequenceState());
    expect(m).toBeUndefined();
  });

  it('does not fire when steps come out of order or a step is missing', () => {
    expect(run(abc, abc.newSequenceState(), [ev('b', T0), ev('a', T0 + 1), ev('c', T0 + 2)]).flat()).toEqual([]);
    expect(run(abc, abc.newSequenceState(), [ev('a', T0), ev('c', T0 + 1)]).flat()).toEqual([]);
  });

  it('consumes a completed match: a second final step needs a new start', () => {
    const st = abc.newSequenceState();
    const out = run(abc, st, [ev('a', T0, 'A'), ev('b', T0, 'B'), ev('c', T0, 'C1'), ev('c', T0, 'C2')]);
    expect(out).toEqual([[], [], ['S:A,B,C1'], []]);
  });

  it('expires partial matches outside the time window', () => {
    const st = abc.newSequenceState();
    expect(run(abc, st, [ev('a', T0), ev('b', T0 + 30_000), ev('c', T0 + 60_001)]).flat()).toEqual([]);
    const st2 = abc.newSequenceState();
    expect(run(abc, st2, [ev('a', T0, 'A'), ev('b', T0 + 30_000, 'B'), ev('c', T0 + 60_000, 'C')]).flat()).toEqual(['S:A,B,C']);
  });

  it('expires partial matches outside the event-count window', () => {
    const rs = build(seqRule('S', ['a', 'b'], '    within_events: 3'));
    const st = rs.newSequenceState();
    expect(run(rs, st, [ev('a', T0), ev('x', T0), ev('x', T0), ev('b', T0)]).flat()).toEqual([]);
    const st2 = rs.newSequenceState();
    expect(run(rs, st2, [ev('a', T0, 'A'), ev('x', T0), ev('b', T0, 'B')]).flat()).toEqual(['S:A,B']);
  });

  it('keeps one partial per first step burst: a new start replaces partials still at step 2', () => {
    const rs = build(seqRule('S', ['a', 'b'], '    within_events: 100'));
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', T0, 'A1'), ev('a', T0, 'A2'), ev('a', T0, 'A3')]);
    const json = st.toJSON() as { rules: { partials: { ids: string[] }[] }[] };
    expect(json.rules[0]?.partials.map((p) => p.ids)).toEqual([['A3']]);
    expect(run(rs, st, [ev('b', T0, 'B1'), ev('b', T0, 'B2')])).toEqual([['S:A3,B1'], []]);
  });

  it('keeps at most max_partials partial matches per rule, dropping the oldest', () => {
    const rs = build(seqRule('S', ['a', 'b', 'c', 'd'], '    within_events: 100\n    max_partials: 2'));
    const st = rs.newSequenceState();
    // partials at three different steps: A1 waits for d, A2 for c, A3 for b
    run(rs, st, [ev('a', T0, 'A1'), ev('b', T0, 'B1'), ev('c', T0, 'C1'), ev('a', T0, 'A2'), ev('b', T0, 'B2'), ev('a', T0, 'A3')]);
    const json = st.toJSON() as { rules: { partials: { ids: string[] }[] }[] };
    expect(json.rules[0]?.partials.map((p) => p.ids)).toEqual([['A2', 'B2'], ['A3']]);
    expect(run(rs, st, [ev('d', T0, 'D1')])).toEqual([[]]); // A1's partial was dropped
    expect(run(rs, st, [ev('c', T0, 'C2'), ev('d', T0, 'D2')])).toEqual([[], ['S:A2,B2,C2,D2']]);
  });

  it('lets one event advance a partial and start a new one, and fire several rules', () => {
    const rs = build(seqRule('S', ['a', 'a', 'a'], '    within_events: 10'), seqRule('T', ['a', 'b'], '    within_events: 10'));
    const st = rs.newSequenceState();
    const out = run(rs, st, [ev('a', T0, '1'), ev('a', T0, '2'), ev('a', T0, '3'), ev('a', T0, '4'), ev('b', T0, '5')]);
    expect(out).toEqual([[], [], ['S:1,2,3'], ['S:2,3,4'], ['T:4,5']]);
  });

  it('evaluates each step condition at most once per event', () => {
    // step conditions that error are counted: with 3 partials waiting on the same step, one error per event
    const rs = build(`
- rule: S
  version: 1
  severity: low
  tags: [ASI02]
  description: d
  message: m
  sequence:
    steps: ["event.tool == 'a'", "event.tool == 'b'", "event.data_class_rank > 1"]
    within_events: 10
`);
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', T0), ev('b', T0), ev('a', T0), ev('b', T0), ev('a', T0), ev('b', T0)]);
    expect((st.toJSON() as { rules: { partials: { step: number }[] }[] }).rules[0]?.partials.map((p) => p.step)).toEqual([2, 2, 2]);
    const broken: RuleContext = { event: { ...EVENT, tool: 'x', data_class_rank: Number.NaN }, session: SESSION };
    const before = rs.evaluationErrors;
    expect(rs.evaluate(broken, st)).toEqual([]);
    expect(rs.evaluationErrors - before).toBe(1);
  });

  it('clones independently', () => {
    const rs = build(seqRule('S', ['a', 'b'], '    within_events: 10'));
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', T0, 'A')]);
    const copy = st.clone();
    expect(run(rs, copy, [ev('b', T0, 'B')])).toEqual([['S:A,B']]);
    // the original still waits for b
    expect(run(rs, st, [ev('b', T0, 'B2')])).toEqual([['S:A,B2']]);
    expect(run(rs, copy, [ev('b', T0, 'B3')])).toEqual([[]]);
  });

  it('round-trips through JSON, drops state of changed rules, and rejects malformed snapshots', () => {
    const rs = build(seqRule('S', ['a', 'b', 'c'], '    within_events: 10'));
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', T0, 'A'), ev('b', T0, 'B')]);
    const json = JSON.parse(JSON.stringify(st.toJSON())) as unknown;
    const restored = rs.restoreSequenceState(json);
    expect(restored.toJSON()).toEqual(st.toJSON());
    expect(run(rs, restored, [ev('c', T0, 'C')])).toEqual([['S:A,B,C']]);

    const v2 = build(seqRule('S', ['a', 'b', 'c'], '    within_events: 10').replace('version: 1', 'version: 2'));
    expect(run(v2, v2.restoreSequenceState(json), [ev('c', T0)])).toEqual([[]]);

    expect(() => rs.restoreSequenceState({ v: 9 })).toThrow(RuleSetStateError);
    expect(() => rs.restoreSequenceState('garbage')).toThrow(RuleSetStateError);
  });

  it('carries state across a rule-set reload by rule id and version', () => {
    const v1 = build(seqRule('S', ['a', 'b'], '    within_events: 10'));
    const st = v1.newSequenceState();
    run(v1, st, [ev('a', T0, 'A')]);
    const reloaded = build(seqRule('S', ['a', 'b'], '    within_events: 10'), seqRule('U', ['x', 'b'], '    within_events: 10'));
    expect(run(reloaded, st, [ev('b', T0, 'B')])).toEqual([['S:A,B']]);
  });

  it('does not fire for a step window that is too short', () => {
    const rs = build(seqRule('S', ['a', 'b'], '    within_ms: 1000'));
    expect(run(rs, rs.newSequenceState(), [ev('a', T0), ev('b', T0 + 1001)]).flat()).toEqual([]);
    expect(rs.rules[0]).toMatchObject({ id: 'S', kind: 'sequence', steps: 2 });
  });
});
