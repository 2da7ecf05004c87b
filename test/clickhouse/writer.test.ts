import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@chainwatch/runtime';
import { MemoryLog } from '@chainwatch/kafka';
import { TOPICS } from '@chainwatch/schemas';
import { TraceWriter, TraceWriterMetrics, attachToMemoryLog } from '@chainwatch/trace-writer';
import { switchableClient, testClickHouse, type TestClickHouse, makeDecisionRecord, makeEvent, makeFinding, makeRiskSignal } from '@chainwatch/testing';
import { CollectingPublisher, logRecords } from './records';

const logger = createLogger({ name: 'trace-writer-test', level: 'silent' });

describe('TraceWriter', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse();
  });
  afterAll(async () => {
    await ch?.close();
  });

  const count = async (sql: string, params: Record<string, unknown>): Promise<number> => {
    const rows = await (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<{ n: string | number }>();
    return Number(rows[0]?.n ?? 0);
  };

  it('stores every topic in its table, sends unmappable records to the DLQ and ignores session state', async () => {
    const session = `s-${randomUUID()}`;
    const dlq = new CollectingPublisher();
    const registry = new Registry();
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq, logger, metrics: new TraceWriterMetrics(registry) });
    const events = Array.from({ length: 5 }, () => makeEvent({ session_id: session, action: { kind: 'tool_call', tool: 'mail.send', args: { body: 'SECRET-ARG' } } }));
    const records = [
      ...logRecords(TOPICS.actions, [...events, '{"not":"an event"}', 'not json at all'], { partition: 2, firstOffset: 100 }),
      ...logRecords(TOPICS.findings, [makeFinding({ session_id: session })]),
      ...logRecords(TOPICS.riskSignals, [makeRiskSignal({ session_id: session })]),
      ...logRecords(TOPICS.decisions, [makeDecisionRecord({ session_id: session })]),
      ...logRecords(TOPICS.sessionState, [{ whatever: true }]),
    ];
    const result = await writer.writeBatch(records);
    expect(result).toEqual({ rows: { agent_actions: 5, findings: 1, risk_signals: 1, decisions: 1 }, dlq: 2, ignored: 1 });

    const p = { s: session };
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, p)).toBe(5);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.findings WHERE session_id = {s:String}`, p)).toBe(1);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.risk_signals WHERE session_id = {s:String}`, p)).toBe(1);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.decisions WHERE session_id = {s:String}`, p)).toBe(1);
    const stored = await (
      await ch.client.query({ query: `SELECT * FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, query_params: p, format: 'JSONEachRow' })
    ).text();
    expect(stored).not.toContain('SECRET-ARG');

    expect(dlq.published).toHaveLength(2);
    expect(dlq.published.every((d) => d.topic === TOPICS.writerDlq)).toBe(true);
    const first = JSON.parse(String(dlq.published[0]?.record.value)) as Record<string, unknown>;
    expect(first).toMatchObject({ topic: TOPICS.actions, partition: 2, offset: '105' });
    expect(String(first.reason)).toContain('cannot map to agent_actions');
    expect(Buffer.from(String(first.raw_base64), 'base64').toString()).toBe('{"not":"an event"}');
    const second = JSON.parse(String(dlq.published[1]?.record.value)) as Record<string, unknown>;
    expect(second.reason).toBe('value is not valid JSON');

    const metrics = await registry.getMetricsAsJSON();
    const rows = metrics.find((m) => m.name === 'chainwatch_trace_writer_rows_written_total');
    expect(rows?.values.find((v) => v.labels.table === 'agent_actions')?.value).toBe(5);
  });

  it('a retried batch (same offsets, same token) adds nothing to the tables nor to the per-minute aggregates', async () => {
    const agentType = `agent-${randomUUID().slice(0, 8)}`;
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq: new CollectingPublisher(), logger });
    const ts = Date.now();
    const events = Array.from({ length: 20 }, () => makeEvent({ ts, agent: { type: agentType }, action: { kind: 'tool_call', tool: 'docs.search' } }));
    const findings = Array.from({ length: 3 }, () => makeFinding({ ts, agent_type: agentType, rule_id: `rule-${agentType}` }));
    const decisions = Array.from({ length: 4 }, () => makeDecisionRecord({ ts, tool: agentType }));
    const batch = [
      ...logRecords(TOPICS.actions, events, { partition: 1, firstOffset: 5000 }),
      ...logRecords(TOPICS.findings, findings, { partition: 1, firstOffset: 70 }),
      ...logRecords(TOPICS.decisions, decisions, { partition: 3, firstOffset: 9 }),
    ];
    await writer.writeBatch(batch);
    await writer.writeBatch(batch); // redelivery after a crash before commit
    await writer.writeBatch(batch.slice(0, 20)); // and the actions chunk alone, again

    // A different offset range with the same aggregate content must count (MV blocks dedup by source token, not content).
    const more = [makeEvent({ ts, agent: { type: agentType }, action: { kind: 'tool_call', tool: 'docs.search' } })];
    await writer.writeBatch(logRecords(TOPICS.actions, more, { partition: 1, firstOffset: 5020 }));
    await writer.writeBatch(logRecords(TOPICS.actions, [makeEvent({ ts, agent: { type: agentType }, action: { kind: 'tool_call', tool: 'docs.search' } })], { partition: 1, firstOffset: 5021 }));

    const p = { t: agentType };
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE agent_type = {t:String}`, p)).toBe(22);
    expect(await count(`SELECT sum(actions) AS n FROM ${ch.database}.actions_per_minute WHERE agent_type = {t:String}`, p)).toBe(22);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.findings WHERE agent_type = {t:String}`, p)).toBe(3);
    expect(await count(`SELECT sum(findings) AS n FROM ${ch.database}.findings_per_minute WHERE rule_id = {r:String}`, { r: `rule-${agentType}` })).toBe(3);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.decisions WHERE tool = {t:String}`, p)).toBe(4);
    const minute = Math.floor(ts / 60_000) * 60;
    const decided = await count(
      `SELECT count() AS n FROM ${ch.database}.decisions WHERE toStartOfMinute(toDateTime(ts)) = toDateTime({m:UInt32}, 'UTC') AND kind = 'decision'`,
      { m: minute },
    );
    expect(await count(`SELECT sum(decisions) AS n FROM ${ch.database}.decisions_per_minute WHERE minute = toDateTime({m:UInt32}, 'UTC')`, { m: minute })).toBe(decided);
  });

  it('crash after insert, before commit: a redelivery reaching further is cut at the recorded intent (no duplicates)', async () => {
    const partition = 7;
    const session = `s-${randomUUID()}`;
    const values = Array.from({ length: 25 }, () => makeEvent({ session_id: session }));
    const records = logRecords(TOPICS.actions, values, { partition, firstOffset: 300 });
    const options = { client: ch.client, database: ch.database, dlq: new CollectingPublisher(), logger, maxRows: 1000, intents: true };
    // First life: offsets 300..309 stored, then the process dies before committing.
    await new TraceWriter(options).writeBatch(records.slice(0, 10));
    // Second life: the fetch from the committed offset (300) now reaches 324.
    const result = await new TraceWriter(options).writeBatch(records);
    // The 10 already stored are not stored again: 15 new rows.
    expect(result.rows).toEqual({ agent_actions: 15 });
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(25);
    expect(await count(`SELECT uniqExact(event_id) AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(25);

    // Without intents nor row identity, the same sequence duplicates the first chunk: what they are for.
    const session2 = `s-${randomUUID()}`;
    const records2 = logRecords(TOPICS.actions, Array.from({ length: 25 }, () => makeEvent({ session_id: session2 })), { partition: partition + 1, firstOffset: 300 });
    const plain = { ...options, intents: false, dedupe: false };
    await new TraceWriter(plain).writeBatch(records2.slice(0, 10));
    await new TraceWriter(plain).writeBatch(records2);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session2 })).toBe(35);
    // Row identity alone (no intents) also keeps one row per event.
    const session3 = `s-${randomUUID()}`;
    const records3 = logRecords(TOPICS.actions, Array.from({ length: 25 }, () => makeEvent({ session_id: session3 })), { partition: partition + 2, firstOffset: 300 });
    const identityOnly = { ...options, intents: false };
    await new TraceWriter(identityOnly).writeBatch(records3.slice(0, 10));
    await new TraceWriter(identityOnly).writeBatch(records3);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session3 })).toBe(25);
  });

  it('retries with back-off while inserts fail, then stores each row once', async () => {
    const session = `s-${randomUUID()}`;
    const sw = switchableClient(ch.client);
    const writer = new TraceWriter({ client: sw.client, database: ch.database, dlq: new CollectingPublisher(), logger, retry: { initialMs: 10, maxMs: 40 } });
    sw.down();
    let failing = 0;
    let recovered = 0;
    const pending = writer.writeBatch(logRecords(TOPICS.actions, Array.from({ length: 7 }, () => makeEvent({ session_id: session })), { firstOffset: 900 }), {
      onFailing: () => failing++,
      onRecovered: () => recovered++,
    });
    await expect.poll(() => sw.refused, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    sw.up();
    await pending;
    expect({ failing, recovered }).toEqual({ failing: 1, recovered: 1 });
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(7);
  });

  it('stop() ends retrying with WriterStoppedError', async () => {
    const sw = switchableClient(ch.client);
    sw.down();
    const writer = new TraceWriter({ client: sw.client, database: ch.database, dlq: new CollectingPublisher(), logger, retry: { initialMs: 10, maxMs: 20 } });
    const pending = writer.writeBatch(logRecords(TOPICS.actions, [makeEvent()], { firstOffset: 1 }));
    await expect.poll(() => sw.refused).toBeGreaterThan(0);
    writer.stop();
    await expect(pending).rejects.toMatchObject({ code: 'CW_WRITER_STOPPED' });
  });

  it('in-process: records published to the memory log land in ClickHouse', async () => {
    const session = `s-${randomUUID()}`;
    const log = new MemoryLog();
    const writer = new TraceWriter({ client: ch.client, database: ch.database, dlq: log, logger });
    const sub = attachToMemoryLog(log, writer);
    const events = Array.from({ length: 30 }, () => makeEvent({ session_id: session }));
    await log.publish(TOPICS.actions, events.map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })));
    await log.publish(TOPICS.findings, [{ key: session, value: JSON.stringify(makeFinding({ session_id: session })) }]);
    await log.publish(TOPICS.actions, [{ key: null, value: 'garbage' }]);
    await log.idle();
    await sub.close();
    expect(await count(`SELECT count() AS n FROM ${ch.database}.agent_actions WHERE session_id = {s:String}`, { s: session })).toBe(30);
    expect(await count(`SELECT count() AS n FROM ${ch.database}.findings WHERE session_id = {s:String}`, { s: session })).toBe(1);
    expect(log.records(TOPICS.writerDlq)).toHaveLength(1);
  });
});
