import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, RecordPublisher } from '@chainwatch/kafka';
import { BindingStore, DecisionLog } from '@chainwatch/decision-api';
import { makeDecisionRecord } from '@chainwatch/testing';

/** A publisher of our own that fails its first `failures` calls. */
class FlakyPublisher implements RecordPublisher {
  readonly published: OutgoingRecord[] = [];
  calls = 0;
  constructor(private failures: number) {}
  async publish(_topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    this.calls++;
    if (this.failures-- > 0) throw new Error('broker unavailable');
    this.published.push(...records);
  }
}

describe('DecisionLog', () => {
  it('retries while the publisher fails and publishes every record once, in order, keyed by session', async () => {
    const publisher = new FlakyPublisher(2);
    const log = new DecisionLog(publisher, { retryMs: 5 });
    const records = Array.from({ length: 5 }, (_, i) => makeDecisionRecord({ session_id: `s-${i}` }));
    for (const r of records) log.append(r);
    await log.flush();
    expect(publisher.calls).toBe(3);
    expect(publisher.published.map((r) => r.key)).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4']);
    expect(JSON.parse(String(publisher.published[0]?.value))).toMatchObject({ decision_id: records[0]?.decision_id });
    expect(log.pending).toBe(0);
  });

  it('is bounded: beyond maxBuffered the oldest records are dropped and counted', async () => {
    const publisher = new FlakyPublisher(1);
    let dropped = 0;
    const log = new DecisionLog(publisher, { retryMs: 20, maxBuffered: 3, onDrop: (n) => (dropped += n) });
    for (let i = 0; i < 6; i++) log.append(makeDecisionRecord({ session_id: `s-${i}` }));
    await log.flush();
    expect(dropped).toBe(3);
    expect(publisher.published.map((r) => r.key)).toEqual(['s-3', 's-4', 's-5']);
  });

  it('close() is bounded when the publisher stays down: what is left is counted as dropped', async () => {
    const publisher = new FlakyPublisher(Number.POSITIVE_INFINITY);
    let dropped = 0;
    const log = new DecisionLog(publisher, { retryMs: 20, closeTimeoutMs: 150, onDrop: (n) => (dropped += n) });
    for (let i = 0; i < 4; i++) log.append(makeDecisionRecord({ session_id: `s-${i}` }));
    const started = Date.now();
    await log.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(dropped).toBe(4);
    expect(log.pending).toBe(0);
    await log.flush(); // the retry loop has ended
  });
});

describe('approval answers', () => {
  it('adopts binding states published by other instances, skips its own, and reports invalid records without their content', async () => {
    const { buildHarness } = await import('./harness');
    const { realEngine } = await import('./real-engine');
    const h = await buildHarness(realEngine().engine);
    try {
      const now = Date.now();
      const event = {
        schema_version: 1,
        binding: 'b-remote-1',
        state: 'approved',
        session_id: 's-remote',
        trace_id: null,
        action_digest: 'sha256:y',
        engine_digest: 'sha256:y',
        evidence_event_ids: [],
        rule_ids: ['r'],
        created_at: now,
        expires_at: now + 60_000,
        ts: now,
        by: 'lead',
        origin: 'other-instance',
      };
      expect(h.api.service.adopt(JSON.stringify(event), now)).toEqual({ result: 'adopted' });
      expect(h.api.bindings.redeem('b-remote-1', 's-remote', 'sha256:y', now)).toMatchObject({ ok: true });
      expect(h.api.service.adopt(JSON.stringify({ ...event, binding: 'b-own', origin: h.api.service.instanceId }), now)).toEqual({ result: 'own' });
      expect(h.api.bindings.redeem('b-own', 's-remote', 'sha256:y', now)).toMatchObject({ ok: false, why: 'unknown' });
      const invalid = h.api.service.adopt(JSON.stringify({ ...event, state: 'secret-token-value' }), now);
      expect(invalid).toMatchObject({ result: 'invalid', issue: expect.stringContaining('state') });
      expect(JSON.stringify(invalid)).not.toContain('secret-token-value');
      expect(h.api.service.adopt('not json', now)).toEqual({ result: 'invalid', issue: 'not JSON' });
    } finally {
      await h.close();
    }
  });

  it('count only once published: a publisher failure answers 503 and leaves the binding pending', async () => {
    const { buildHarness, bearer } = await import('./harness');
    const { realEngine } = await import('./real-engine');
    const { engine } = realEngine();
    const h = await buildHarness(engine);
    try {
      const binding = h.api.bindings.create(input(), Date.now());
      const approver = await h.auth.sign({ sub: 'lead', roles: ['approver'] });
      const original = h.log.publish.bind(h.log);
      h.log.publish = async () => {
        throw new Error('broker down at 10.0.0.7:9092');
      };
      const refused = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding.id}`, headers: bearer(approver), payload: { approve: true } });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ error: { code: 'CW_KAFKA_UNREACHABLE', retriable: true } });
      expect(refused.body).not.toContain('10.0.0.7');
      expect(binding.state).toBe('pending');
      h.log.publish = original;
      const accepted = await h.api.app.inject({ method: 'POST', url: `/v1/approvals/${binding.id}`, headers: bearer(approver), payload: { approve: true } });
      expect(accepted.statusCode).toBe(200);
      const [record] = h.log.records('chainwatch.approvals');
      expect(record?.key).toBe(binding.id);
      expect(JSON.parse(String(record?.value))).toMatchObject({
        binding: binding.id,
        state: 'approved',
        action_digest: 'sha256:x',
        engine_digest: 'sha256:x',
        rule_ids: ['r'],
        by: 'lead',
        origin: h.api.service.instanceId,
      });
    } finally {
      await h.close();
    }
  });
});

const input = () => ({ sessionId: 's', traceId: null, actionDigest: 'sha256:x', evidenceEventIds: [], ruleIds: ['r'] });

describe('BindingStore', () => {
  const input = { sessionId: 's', traceId: null, actionDigest: 'sha256:x', evidenceEventIds: [], ruleIds: ['r'] };

  it('holds at most maxEntries bindings, forgetting the oldest', () => {
    const store = new BindingStore({ ttlMs: 60_000, maxEntries: 2 });
    const a = store.create(input, 1_000);
    store.create(input, 1_001);
    store.create(input, 1_002);
    expect(store.size).toBe(2);
    expect(store.redeem(a.id, 's', 'sha256:x', 1_003)).toEqual({ ok: false, why: 'unknown' });
  });

  it('sweeps expired bindings and redeems an approved one exactly once', () => {
    const store = new BindingStore({ ttlMs: 200, maxEntries: 10 });
    const old = store.create(input, 1_000);
    const b = store.create(input, 1_050);
    store.create(input, 1_200); // sweeps `old` (expired at 1_200), keeps `b` (until 1_250)
    expect(store.size).toBe(2);
    expect(store.redeem(old.id, 's', 'sha256:x', 1_200).ok).toBe(false);
    store.answer(b.id, true, 'alice', 1_100);
    expect(store.redeem(b.id, 's', 'sha256:other', 1_120)).toMatchObject({ ok: false, why: 'mismatch' });
    expect(store.redeem(b.id, 's', 'sha256:x', 1_120).ok).toBe(true);
    expect(store.redeem(b.id, 's', 'sha256:x', 1_121)).toMatchObject({ ok: false, why: 'used' });
    expect(() => store.answer(b.id, false, 'bob', 1_121)).toThrow(/already used/);
  });
});
