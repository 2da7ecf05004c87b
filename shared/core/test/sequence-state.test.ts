import { describe, expect, it } from 'vitest';
import type { RuleContext } from '../src/rule-context';
import { parseRuleSet, type RuleSet, type SequenceState } from '../src/rules/index';
import type { SequenceStateImpl } from '../src/rules/sequence-state';
import { ruleEvent, ruleSession } from './rule-context-fixture';

/** Compact sequence state: no partials, no memory beyond a counter; flat records; v1 snapshots. */
const EVENT = ruleEvent();
const SESSION = ruleSession();
const T0 = 1_760_000_000_000;
const ev = (tool: string, id: string, ts = T0): RuleContext => ({ event: { ...EVENT, tool, ts, event_id: id }, session: SESSION });

const seqRule = (id: string, steps: string[], extra = '    within_events: 10'): string => `
- rule: ${id}
  version: 1
  severity: high
  confidence: 0.9
  tags: [ASI02]
  description: sequence test
  message: "{rule.id}"
  sequence:
    steps: ${JSON.stringify(steps.map((t) => `event.tool == '${t}'`))}
${extra}`;

const build = (...texts: string[]): RuleSet => parseRuleSet(texts.map((text, i) => ({ name: `s${i}.yaml`, text })));
const run = (rs: RuleSet, st: SequenceState, events: RuleContext[]): string[] =>
  events.flatMap((e) => rs.evaluate(e, st).map((m) => `${m.rule_id}:${m.evidence_event_ids.join(',')}`));
const dataOf = (st: SequenceState): unknown => (st as SequenceStateImpl).data;

describe('compact sequence state', () => {
  it('holds no partial records until a first step matches, and none again once they fire or expire', () => {
    const rs = build(seqRule('S', ['a', 'b']), seqRule('T', ['c', 'd'], '    within_events: 2'));
    const st = rs.newSequenceState();
    expect(run(rs, st, [ev('x', '1'), ev('y', '2')])).toEqual([]);
    expect(dataOf(st)).toBeNull();
    expect(st.toJSON()).toEqual({ v: 1, counter: 2, rules: [] });
    expect(run(rs, st, [ev('a', 'A'), ev('b', 'B')])).toEqual(['S:A,B']);
    expect(dataOf(st)).toBeNull();
    run(rs, st, [ev('c', 'C'), ev('x', '3'), ev('x', '4')]);
    expect(dataOf(st)).toBeNull(); // T's partial left its 2-event window
  });

  it('keeps partials of several rules apart and serialises them by rule, oldest first', () => {
    const rs = build(seqRule('S', ['a', 'b', 'c']), seqRule('T', ['b', 'c']));
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', 'A1', T0), ev('b', 'B1', T0 + 1), ev('a', 'A2', T0 + 2)]);
    expect(st.toJSON()).toEqual({
      v: 1,
      counter: 3,
      rules: [
        {
          id: 'S',
          version: 1,
          partials: [
            { step: 2, start_ts: T0, start_idx: 0, ids: ['A1', 'B1'] },
            { step: 1, start_ts: T0 + 2, start_idx: 2, ids: ['A2'] },
          ],
        },
        { id: 'T', version: 1, partials: [{ step: 1, start_ts: T0 + 1, start_idx: 1, ids: ['B1'] }] },
      ],
    });
    expect(run(rs, st, [ev('c', 'C1')])).toEqual(['S:A1,B1,C1', 'T:B1,C1']);
  });

  it('restores a v1 snapshot written by earlier versions and fires with the exact event ids', () => {
    const rs = build(seqRule('S', ['a', 'b', 'c']), seqRule('T', ['b', 'c']));
    // Rules listed out of rule order, as an older writer or another rule set may emit them.
    const snapshot = {
      v: 1,
      counter: 5,
      rules: [
        { id: 'T', version: 1, partials: [{ step: 1, start_ts: T0, start_idx: 4, ids: ['8d1f2c3e-0b7a-4c1d-9e2f-3a4b5c6d7e8f'] }] },
        { id: 'S', version: 1, partials: [{ step: 2, start_ts: T0, start_idx: 3, ids: ['A', 'B'] }] },
        { id: 'gone', version: 1, partials: [{ step: 1, start_ts: T0, start_idx: 1, ids: ['Z'] }] },
      ],
    };
    const st = rs.restoreSequenceState(snapshot);
    expect(run(rs, st, [ev('c', 'C')])).toEqual(['S:A,B,C', 'T:8d1f2c3e-0b7a-4c1d-9e2f-3a4b5c6d7e8f,C']);
    expect(dataOf(st)).toBeNull();
  });

  it('remaps partials when a reloaded rule set orders its rules differently', () => {
    const v1 = build(seqRule('S', ['a', 'b']), seqRule('T', ['c', 'd']));
    const st = v1.newSequenceState();
    run(v1, st, [ev('a', 'A'), ev('c', 'C')]);
    const reordered = build(seqRule('U', ['x', 'y']), seqRule('T', ['c', 'd']), seqRule('S', ['a', 'b']));
    expect(run(reordered, st, [ev('d', 'D')])).toEqual(['T:C,D']);
    expect(run(reordered, st, [ev('b', 'B')])).toEqual(['S:A,B']);
  });

  it('shares records with a clone until either one changes (copy on write)', () => {
    const rs = build(seqRule('S', ['a', 'b', 'c']));
    const st = rs.newSequenceState();
    run(rs, st, [ev('a', 'A')]);
    const copy = st.clone();
    expect(dataOf(copy)).toBe(dataOf(st));
    run(rs, copy, [ev('b', 'B')]);
    expect(dataOf(copy)).not.toBe(dataOf(st));
    expect((st.toJSON() as { rules: { partials: { ids: string[] }[] }[] }).rules[0]?.partials[0]?.ids).toEqual(['A']);
    expect(run(rs, copy, [ev('c', 'C')])).toEqual(['S:A,B,C']);
    expect(run(rs, st, [ev('b', 'B2'), ev('c', 'C2')])).toEqual(['S:A,B2,C2']);
  });
});
