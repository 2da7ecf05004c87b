/**
 * Fault suite, Kafka mode, real broker and real engine: the trace writer and the decision API are
 * SIGKILLed mid-stream as separate processes and started again. Each test counts what was
 * acknowledged (by the broker, or by the API with a 200) and what was stored, and fails on any
 * difference. The writer also meets a store that fails every insert: /readyz says so, SIGTERM
 * still ends it within 10 s, and nothing is lost once the store is back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { openClickHouse, type ClickHouseHandle } from '@chainwatch/clickhouse';
import { createDevAuth } from '@chainwatch/decision-api';
import type { AgentActionEvent } from '@chainwatch/schemas';
import { createSimulator } from '@chainwatch/simulator';
import { makeDecisionRecord, makeFinding, consumeUntil, createTestTopic, kafkaBrokers, produceJson, randomName, testKafka } from '@chainwatch/testing';
import { IngestLoad } from './ingest-load';
import { freePort, kill9, startService, terminate, waitForStatus, type RunningService } from './chainwatch-process';

const children: RunningService[] = [];
const scratch: string[] = [];
afterAll(async () => {
  for (const c of children) await kill9(c);
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Produces simulator events, findings and decision records in batches (about 600 events a second,
 * at most `limit`) until stopped; keeps what the broker acknowledged.
 */
class KafkaLoad {
  readonly events: AgentActionEvent[] = [];
  readonly findings: string[] = [];
  readonly decisions: string[] = [];
  private stopped = false;
  private running: Promise<void> | null = null;
  private readonly sim = createSimulator({ seed: `kafka-load-${randomUUID()}`, attackRate: 0.2 });
  private clock = Date.now() - 120_000;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: { actions: string; findings: string; decisions: string },
    private readonly limit = 3000,
  ) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopped && this.events.length < this.limit) {
        await new Promise((r) => setTimeout(r, 100));
        const batch: AgentActionEvent[] = [];
        while (batch.length < 60) batch.push(...this.sim.nextTrace((this.clock += 100)).events);
        await produceJson(this.topics.actions, batch.map((e) => ({ key: e.trace_id, value: e })), { kafka: this.kafka });
        this.events.push(...batch);
        const findings = batch.slice(0, 6).map((e) => makeFinding({ session_id: e.session_id, trace_id: e.trace_id }));
        await produceJson(this.topics.findings, findings.map((f) => ({ key: f.session_id, value: f })), { kafka: this.kafka });
        this.findings.push(...findings.map((f) => f.finding_id));
        const decisions = batch.slice(0, 4).map((e) => makeDecisionRecord({ session_id: e.session_id }));
        await produceJson(this.topics.decisions, decisions.map((d) => ({ key: d.session_id, value: d })), { kafka: this.kafka });
        this.decisions.push(...decisions.map((d) => d.decision_id));
      }
    })();
  }

  /** Resolves once `limit` events were produced. */
  async done(): Promise<void> {
    await this.running;
  }
}

async function metric(port: number, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

async function committedToEnd(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
      for (const e of ends) if (byPartition.get(e.partition) !== e.high) return false;
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka mode: services killed mid-stream', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-fault-writer-'));
  scratch.push(dataDir);
  const engineAt = (): Promise<ClickHouseHandle> =>
    openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(dataDir, 'clickhouse'), ttlDays: 30 });

  it('trace writer: kill -9 mid-stream; its successor stores every acknowledged record exactly once', async () => {
    const kafka = testKafka();
    const topics = {
      actions: await createTestTopic({ prefix: 'fault-actions', partitions: 3, kafka }),
      findings: await createTestTopic({ prefix: 'fault-findings', partitions: 2, kafka }),
      decisions: await createTestTopic({ prefix: 'fault-decisions', partitions: 2, kafka }),
      writerDlq: await createTestTopic({ prefix: 'fault-writer-dlq', partitions: 1, kafka }),
    };
    const groupId = randomName('fault-writer');
    const env = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      CHAINWATCH_DATA_DIR: dataDir,
      TRACE_WRITER_GROUP_ID: groupId,
      TRACE_WRITER_BATCH_MAX_ROWS: '200',
      TRACE_WRITER_BATCH_MAX_WAIT_MS: '100',
      TRACE_WRITER_METRICS_PORT: '0',
      FAULT_TOPICS: JSON.stringify(topics),
    };
    const first = await startService('writer', env);
    children.push(first);
    const load = new KafkaLoad(kafka, topics, 3000);
    load.start();
    await until(async () => (await metric(first.info.opsPort!, /chainwatch_trace_writer_rows_written_total\{table="agent_actions"\} (\d+)/)) >= 300, 120_000, '300 rows stored');
    await kill9(first);
    const second = await startService('writer', env);
    children.push(second);
    await load.done();
    await until(() => committedToEnd(kafka, groupId, [topics.actions, topics.findings, topics.decisions]), 180_000, 'the successor committed everything').catch(async (err: unknown) => {
      await kill9(second);
      throw err;
    });
    expect((await fetch(`http://127.0.0.1:${second.info.opsPort}/readyz`)).status).toBe(200);
    const stopped = await terminate(second);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);

    const ch = await engineAt();
    try {
      const count = async (sql: string, params: Record<string, unknown>): Promise<{ n: number; d: number }> => {
        const [row] = await (await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<{ n: string; d: string }>();
        return { n: Number(row?.n ?? 0), d: Number(row?.d ?? 0) };
      };
      const actions = await count('SELECT count() AS n, uniqExact(event_id) AS d FROM chainwatch.agent_actions WHERE event_id IN {ids:Array(UUID)}', { ids: load.events.map((e) => e.event_id) });
      const findings = await count('SELECT count() AS n, uniqExact(finding_id) AS d FROM chainwatch.findings WHERE finding_id IN {ids:Array(String)}', { ids: load.findings });
      const decisions = await count('SELECT count() AS n, uniqExact(decision_id) AS d FROM chainwatch.decisions WHERE decision_id IN {ids:Array(String)}', { ids: load.decisions });
      console.log(
        `[fault writer-kill] acknowledged ${load.events.length} events / ${load.findings.length} findings / ${load.decisions.length} decisions; ` +
          `stored ${actions.n} / ${findings.n} / ${decisions.n} rows (${actions.d} / ${findings.d} / ${decisions.d} distinct)`,
      );
      expect(actions).toEqual({ n: load.events.length, d: load.events.length });
      expect(findings).toEqual({ n: load.findings.length, d: load.findings.length });
      expect(decisions).toEqual({ n: load.decisions.length, d: load.decisions.length });
    } finally {
      await ch.close();
    }
  }, 600_000);

  it('trace writer: a store that fails every insert shows on /readyz, SIGTERM ends it within 10 s, and nothing is lost once the store is back', async () => {
    const kafka = testKafka();
    const topics = {
      actions: await createTestTopic({ prefix: 'fault-stall-actions', partitions: 2, kafka }),
      writerDlq: await createTestTopic({ prefix: 'fault-stall-dlq', partitions: 1, kafka }),
    };
    let ch = await engineAt();
    await ch.client.command({ query: 'DETACH TABLE chainwatch.actions_per_minute PERMANENTLY' });
    await ch.close();
    const env = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      CHAINWATCH_DATA_DIR: dataDir,
      TRACE_WRITER_GROUP_ID: randomName('fault-stall'),
      TRACE_WRITER_STALL_MS: '2000',
      TRACE_WRITER_BATCH_MAX_WAIT_MS: '100',
      TRACE_WRITER_METRICS_PORT: '0',
      FAULT_TOPICS: JSON.stringify(topics),
    };
    const sim = createSimulator({ seed: `stall-${randomUUID()}`, attackRate: 0 });
    const events: AgentActionEvent[] = [];
    while (events.length < 200) events.push(...sim.nextTrace(Date.now()).events);
    await produceJson(topics.actions, events.map((e) => ({ key: e.trace_id, value: e })), { kafka });

    const stuck = await startService('writer', env);
    children.push(stuck);
    const readyz = `http://127.0.0.1:${stuck.info.opsPort}/readyz`;
    await waitForStatus(readyz, 503, 60_000);
    const stopped = await terminate(stuck);
    console.log(`[fault writer-stall] /readyz 503 while every insert fails; SIGTERM: exit ${stopped.code} after ${stopped.ms} ms`);
    expect(stopped.ms).toBeLessThan(10_000);

    ch = await engineAt();
    await ch.client.command({ query: 'ATTACH TABLE chainwatch.actions_per_minute' });
    await ch.close();
    const repaired = await startService('writer', env);
    children.push(repaired);
    await until(() => committedToEnd(kafka, env.TRACE_WRITER_GROUP_ID, [topics.actions]), 120_000, 'stored after the repair');
    expect((await terminate(repaired)).code).toBe(0);
    ch = await engineAt();
    try {
      const [row] = await (
        await ch.client.query({ query: 'SELECT count() AS n FROM chainwatch.agent_actions WHERE event_id IN {ids:Array(UUID)}', query_params: { ids: events.map((e) => e.event_id) }, format: 'JSONEachRow' })
      ).json<{ n: string }>();
      expect(Number(row?.n)).toBe(events.length);
    } finally {
      await ch.close();
    }
  }, 600_000);

  it('decision API: kill -9 during ingestion; every event it acknowledged is on the topic; a new instance serves at once', async () => {
    const auth = await createDevAuth();
    const jwksDir = mkdtempSync(join(tmpdir(), 'cw-fault-jwks-'));
    scratch.push(jwksDir);
    const jwksFile = join(jwksDir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(auth.jwks));
    const base = randomName('fault-api');
    const topics = { actions: `${base}.actions`, riskSignals: `${base}.risk-signals`, decisions: `${base}.decisions`, approvals: `${base}.approvals` };
    const env = async (): Promise<Record<string, string>> => ({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      JWT_JWKS_FILE: jwksFile,
      JWT_ISSUER: auth.issuer,
      JWT_AUDIENCE: auth.audience,
      DECISION_API_PORT: String(await freePort()),
      FAULT_TOPICS: JSON.stringify(topics),
    });
    const first = await startService('decision-api', await env());
    children.push(first);
    await waitForStatus(`${first.info.url}/readyz`, 200);
    const load = new IngestLoad({ url: first.info.url!, token: auth.token, seed: `api-${randomUUID()}`, senders: 4, batchSize: 20 });
    load.start();
    await until(async () => load.acked.size >= 800, 120_000, '800 events acknowledged');
    await kill9(first);
    await load.stop();

    const second = await startService('decision-api', await env());
    children.push(second);
    await waitForStatus(`${second.info.url}/readyz`, 200);
    const more = new IngestLoad({ url: second.info.url!, token: auth.token, seed: `api-2-${randomUUID()}`, senders: 2, batchSize: 20 });
    more.start();
    await until(async () => more.acked.size >= 100, 60_000, '100 more events acknowledged');
    await more.stop();
    const stopped = await terminate(second);
    expect(stopped.ms).toBeLessThan(10_000);

    const acked = new Set([...load.acked.keys(), ...more.acked.keys()]);
    const onTopic = new Set<string>();
    const remaining = new Set(acked);
    await consumeUntil({
      topic: topics.actions,
      timeoutMs: 60_000,
      predicate: (m) => {
        const id = (m.json() as { event_id: string }).event_id;
        onTopic.add(id);
        remaining.delete(id);
        return remaining.size === 0;
      },
    }).catch(() => undefined);
    const missing = [...remaining];
    console.log(`[fault api-kill] acknowledged ${acked.size}, on the topic ${acked.size - missing.length} (missing ${missing.length}); on the topic in all ${onTopic.size}`);
    expect(missing).toEqual([]);
  }, 600_000);
});
