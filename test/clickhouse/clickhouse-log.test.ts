/**
 * ClickHouseLog, the durable local log of `chainwatch start`, on the real engine: acknowledged
 * means stored, groups resume where they stopped (per topic), a failed batch comes again, a
 * subscriber that falls behind the in-memory tail reads back from the table, keyed topics keep
 * their latest value, and the backlog is counted for readiness and backpressure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLog } from '@chainwatch/clickhouse';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import type { LogRecord } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { SessionProcessor, attachProcessorToLocalLog, localLogSink } from '@chainwatch/session-processor';
import { testClickHouse, type TestClickHouse, makeEvent, waitFor } from '@chainwatch/testing';

const logger = createLogger({ name: 'clickhouse-log-test', level: 'silent' });

describe('ClickHouseLog', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
  });
  afterAll(async () => {
    await ch?.close();
  });

  const open = (options: { cacheRecords?: number } = {}): Promise<ClickHouseLog> =>
    ClickHouseLog.open({
      client: ch.client,
      database: ch.database,
      keyed: { state: { stream: false, expiring: false }, approvals: { stream: true, expiring: true } },
      logger,
      retryMs: 20,
      ...options,
    });
  const values = (records: readonly LogRecord[]): string[] => records.map((r) => r.value.toString('utf8'));

  it('delivers in order; a group resumes after what it handled, per topic, across a reopen; a new group starts from the beginning', async () => {
    let log = await open();
    await log.publish('a', [{ key: 'k', value: 'a1' }, { key: 'k', value: 'a2' }]);
    await log.publish('b', [{ key: null, value: 'b1' }]);
    const seen: string[] = [];
    let sub = await log.subscribe(['a', 'b'], async (records) => {
      seen.push(...values(records));
    }, { group: 'g1' });
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual(['a1', 'a2', 'b1']);
    await sub.close();
    await log.publish('a', [{ key: 'k', value: 'a3' }]);
    await log.close();

    log = await open();
    const resumed: string[] = [];
    sub = await log.subscribe(['a', 'b'], async (records) => {
      resumed.push(...values(records));
    }, { group: 'g1' });
    expect(log.backlog('a', 'g1')).toBe(1);
    await waitFor(() => resumed.length === 1);
    await log.publish('b', [{ key: null, value: 'b2' }]);
    await waitFor(() => resumed.length === 2);
    expect(resumed).toEqual(['a3', 'b2']);
    expect(log.backlog('a', 'g1')).toBe(0);

    const fresh: string[] = [];
    const sub2 = await log.subscribe(['a'], async (records) => {
      fresh.push(...values(records));
    }, { group: 'g2' });
    await waitFor(() => fresh.length === 3);
    expect(fresh).toEqual(['a1', 'a2', 'a3']);
    await sub.close();
    await sub2.close();
    await log.close();
  });

  it('delivers a failed batch again, from after what the handler committed', async () => {
    const log = await open();
    await log.publish('c', ['c1', 'c2', 'c3'].map((v) => ({ key: null, value: v })));
    const attempts: string[][] = [];
    const sub = await log.subscribe(['c'], async (records, context) => {
      attempts.push(values(records));
      if (attempts.length === 1) {
        await context.commit(records[0]!);
        throw new Error('store down');
      }
    }, { group: 'retry' });
    await waitFor(() => attempts.length === 2);
    expect(attempts).toEqual([['c1', 'c2', 'c3'], ['c2', 'c3']]);
    await sub.close();
    await log.close();
  });

  it('a subscriber behind the in-memory tail reads back from the table, in order, once each', async () => {
    const log = await open({ cacheRecords: 10 });
    for (let i = 0; i < 12; i++) await log.publish('d', Array.from({ length: 10 }, (_, j) => ({ key: null, value: `d${i * 10 + j}` })));
    const seen: string[] = [];
    const sub = await log.subscribe(['d'], async (records) => {
      seen.push(...values(records));
    }, { group: 'late', maxRecords: 7 });
    expect(log.backlog('d', 'late')).toBe(120);
    await log.publish('d', [{ key: null, value: 'd120' }]);
    await waitFor(() => seen.length === 121);
    expect(seen).toEqual(Array.from({ length: 121 }, (_, i) => `d${i}`));
    await log.idle();
    expect(log.backlog('d')).toBe(0);
    await sub.close();
    await log.close();
  });

  it('keeps the latest value per key of a keyed topic (tombstones read as null); only streamed keyed topics are delivered', async () => {
    const log = await open();
    await log.publish('state', [{ key: 't1', value: 'v1' }, { key: 't2', value: 'v1' }]);
    await log.publish('state', [{ key: 't1', value: 'v2' }, { key: 't2', value: '' }]);
    const latest = await log.latest('state');
    expect([...latest].map(([k, v]) => [k, v?.toString() ?? null]).sort()).toEqual([['t1', 'v2'], ['t2', null]]);
    const delivered: string[] = [];
    const sub = await log.subscribe(['state', 'approvals'], async (records) => {
      delivered.push(...values(records));
    }, { group: 'keyed' });
    await log.publish('approvals', [{ key: 'b1', value: 'pending' }]);
    await waitFor(() => delivered.length === 1);
    expect(delivered).toEqual(['pending']);
    expect((await log.latest('approvals')).get('b1')?.toString()).toBe('pending');
    await sub.close();
    await log.close();
  });

  it('refuses publishes after close, and a failed insert rejects the publish (nothing acknowledged)', async () => {
    const log = await open();
    await log.close();
    await expect(log.publish('a', [{ key: null, value: 'x' }])).rejects.toThrow(/closed/);
    const broken = await ClickHouseLog.open({ client: ch.client, database: ch.database, logger });
    await ch.client.command({ query: `RENAME TABLE ${ch.database}.log_records TO ${ch.database}.log_records_away` });
    try {
      await expect(broken.publish('a', [{ key: null, value: 'x' }])).rejects.toThrow();
    } finally {
      await ch.client.command({ query: `RENAME TABLE ${ch.database}.log_records_away TO ${ch.database}.log_records` });
      await broken.close();
    }
  });

  it('the processor restores checkpoints, replays what it had not handled, and says so only then', async () => {
    const log = await open();
    const policy = loadDefaultPolicy();
    const session = `sess-replay-${Date.now()}`;
    const events = Array.from({ length: 60 }, (_, i) => makeEvent({ session_id: session, trace_id: `trace-${session}`, ts: Date.now() - 60_000 + i }));
    // A first processor handles 20 events, checkpoints, and goes away.
    const first = new SessionProcessor({ engine: createDetectionEngine(policy), sink: localLogSink(log), logger, topics: { ...TOPICS, sessionState: 'state' }, punctuateIntervalMs: 0 });
    const sub1 = await attachProcessorToLocalLog(log, first, { group: 'proc' });
    await log.publish(TOPICS.actions, events.slice(0, 20).map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })));
    await waitFor(() => log.backlog(TOPICS.actions, 'proc') === 0);
    await sub1.close();
    // 40 more arrive while no processor runs.
    await log.publish(TOPICS.actions, events.slice(20).map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })));

    const engine = createDetectionEngine(policy);
    const second = new SessionProcessor({ engine, sink: localLogSink(log), logger, topics: { ...TOPICS, sessionState: 'state' }, punctuateIntervalMs: 0 });
    let replayedAt: number | null = null;
    const sub2 = await attachProcessorToLocalLog(log, second, {
      group: 'proc',
      onReplayed: () => {
        replayedAt = engine.signal(session)?.seq ?? 0;
      },
    });
    await waitFor(() => replayedAt !== null);
    // Restored 20 from the checkpoint, replayed 40: nothing reset, nothing counted twice.
    expect(replayedAt).toBe(60);
    await sub2.close();
    await log.close();
  });
});
