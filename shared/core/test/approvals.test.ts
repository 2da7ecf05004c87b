import { describe, expect, it } from 'vitest';
import { actionDigest } from '@chainwatch/schemas';
import { createDetectionEngine, parseToolCatalog, type DetectionEngine } from '../src/index';
import { T0, entities, event, requestFor } from './event-builder';

// Approvals live in the session's state: they survive checkpoints and travel in risk signals, an
// approved action that runs does not raise the findings the approval covers (once), and an
// approval for a session the engine does not hold yet is adopted when the session appears.
const catalog = parseToolCatalog(`
version: 1
tools:
  read_inbox: { operation: read, data_class: confidential, result_trust: external }
  send_email: { operation: send, data_class: confidential, egress: true, destination_args: [to] }
`);

const read = () => event('read_inbox', { action: { result_entities: entities({ emails: ['drop@evil.test'] }) } });
const send = (body = 'fwd', ts = T0 + 1000) => event('send_email', { ts, action: { args: { to: 'drop@evil.test', body } } });

/** Approve the send the session is about to make; returns the rules it covers. */
function approveSend(e: DetectionEngine, id = 'b-1', expiresAt = T0 + 600_000): string[] {
  const req = requestFor(send());
  const rules = e.assess(req, T0 + 1000).reasons.map((r) => r.rule_id);
  expect(rules.length).toBeGreaterThan(0);
  e.recordApproval({ id, sessionId: 's-1', actionDigest: actionDigest(req.action), approved: true, ruleIds: rules, ts: T0 + 1000, expiresAt });
  return rules;
}

describe('approvals in session state', () => {
  it('the approved action runs without raising the covered findings, once', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    const rules = approveSend(e);
    const ran = e.observe(send());
    expect(ran.findings.map((f) => f.rule_id).filter((r) => rules.includes(r))).toEqual([]);
    // Used up: the same action again raises them.
    const again = e.observe(send('fwd', T0 + 2000));
    expect(again.findings.map((f) => f.rule_id).some((r) => rules.includes(r))).toBe(true);
  });

  it('unlocks once per path: the decision API letting it through does not spend the event\'s pass, and vice versa', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    const rules = approveSend(e);
    const req = requestFor(send());
    expect(e.assess(req, T0 + 1000).decision).toBe('allow');
    // The API let the approved send through (binding redeemed): a replay is assessed as before.
    e.recordApproval({ id: 'b-1', sessionId: 's-1', actionDigest: actionDigest(req.action), approved: true, ruleIds: rules, ts: T0 + 1000, expiresAt: T0 + 600_000, used: true });
    expect(e.assess(req, T0 + 1100).decision).not.toBe('allow');
    // ...while the send's own event, when it is reported, still passes without the covered findings.
    expect(e.observe(send()).findings.some((f) => rules.includes(f.rule_id))).toBe(false);
  });

  it('without the approval the same action raises them (control)', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    expect(e.observe(send()).findings.length).toBeGreaterThan(0);
  });

  it('an expired approval covers nothing', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    const rules = approveSend(e, 'b-1', T0 + 500);
    expect(e.observe(send()).findings.map((f) => f.rule_id).some((r) => rules.includes(r))).toBe(true);
  });

  it('a rejection revokes the approval', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    const rules = approveSend(e);
    const req = requestFor(send());
    e.recordApproval({ id: 'b-1', sessionId: 's-1', actionDigest: actionDigest(req.action), approved: false, ruleIds: rules, ts: T0 + 1200 });
    expect(e.assess(req, T0 + 1300).decision).not.toBe('allow');
  });

  it('survives checkpoint and restore, and re-delivery of the same approval does not un-use it', () => {
    const e = createDetectionEngine({ catalog });
    e.observe(read());
    const rules = approveSend(e);
    const cp = e.checkpoint('t-1');
    expect(cp).not.toBeNull();
    const restarted = createDetectionEngine({ catalog });
    restarted.restore(cp as string);
    expect(restarted.assess(requestFor(send()), T0 + 1000).decision).toBe('allow');
    expect(restarted.observe(send()).findings.some((f) => rules.includes(f.rule_id))).toBe(false);
    // The approvals topic is re-read after a restart: the used approval stays used.
    const req = requestFor(send());
    expect(restarted.recordApproval({ id: 'b-1', sessionId: 's-1', actionDigest: actionDigest(req.action), approved: true, ruleIds: rules, ts: T0 + 1000, expiresAt: T0 + 600_000 })).toBe(false);
    expect(restarted.observe(send('fwd', T0 + 3000)).findings.some((f) => rules.includes(f.rule_id))).toBe(true);
  });

  it('travels in the risk signal, and a newer signal without it does not erase a local approval', () => {
    const processor = createDetectionEngine({ catalog });
    processor.observe(read());
    const api = createDetectionEngine({ catalog });
    api.loadSignal(processor.signal('s-1')!);
    approveSend(api);
    // The processor has not heard of the approval yet and sends a newer signal.
    processor.observe(event('read_inbox', { ts: T0 + 1100 }));
    api.loadSignal(processor.signal('s-1')!);
    expect(api.assess(requestFor(send()), T0 + 1200).decision).toBe('allow');
    // Once the processor has it, its signals carry it to a fresh view.
    approveSend(processor);
    const fresh = createDetectionEngine({ catalog });
    fresh.loadSignal(processor.signal('s-1')!);
    expect(fresh.assess(requestFor(send()), T0 + 1200).decision).toBe('allow');
  });

  it('an approval for a session not held yet is adopted when the session appears', () => {
    const source = createDetectionEngine({ catalog });
    source.observe(read());
    const rules = source.assess(requestFor(send()), T0 + 1000).reasons.map((r) => r.rule_id);
    const e = createDetectionEngine({ catalog });
    expect(
      e.recordApproval({ id: 'b-9', sessionId: 's-1', actionDigest: actionDigest(requestFor(send()).action), approved: true, ruleIds: rules, ts: T0, expiresAt: T0 + 600_000 }),
    ).toBe(false);
    e.observe(read());
    expect(e.observe(send()).findings.some((f) => rules.includes(f.rule_id))).toBe(false);
  });
});
