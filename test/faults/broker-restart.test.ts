/**
 * Fault suite, Kafka mode: the broker restarts in the middle of the stream. A broker of its own
 * (infra/kafka/start.sh on free ports, so the other test files keep theirs), the real processor
 * (`chainwatch processor`) and trace writer as child processes, events produced with the
 * idempotent acks=all producer. Every acknowledged event must reach its session's risk (no reset,
 * none lost) and be stored exactly once; with the broker down again, SIGTERM still ends each
 * service (processor, writer, decision API) within 10 s.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { openClickHouse } from '@chainwatch/clickhouse';
import { createDevAuth } from '@chainwatch/decision-api';
import { KafkaRecordLog, createKafka } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { AgentActionEvent, RiskSignal } from '@chainwatch/schemas';
import { createSimulator } from '@chainwatch/simulator';
import { REPO_ROOT } from '../cli/run-cli';
import { consumeUntil, randomName } from '@chainwatch/testing';
import { freePort, kill9, startCliService, startService, terminate, waitForStatus, type RunningService } from './chainwatch-process';

const run = promisify(execFile);
const children: RunningService[] = [];
const brokerDir = mkdtempSync(join(tmpdir(), 'cw-fault-broker-'));
let brokerEnv: NodeJS.ProcessEnv = {};

async function broker(action: 'start' | 'stop'): Promise<void> {
  await run('bash', [join(REPO_ROOT, 'infra/kafka', `${action}.sh`)], { env: brokerEnv, timeout: 180_000 });
}

afterAll(async () => {
  for (const c of children) await kill9(c);
  await broker('stop').catch(() => undefined);
  rmSync(brokerDir, { recursive: true, force: true });
});

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function committedToEnd(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
    return ends.every((e) => byPartition.get(e.partition) === e.high);
  } finally {
    await admin.disconnect();
  }
}

/** Produces simulated traffic (acks=all), stopping the broker for 3 s once 900 events are acknowledged. */
async function produceAcrossARestart(kafka: Kafka, topic: string): Promise<{ acked: AgentActionEvent[]; downMs: number }> {
  const producer = new KafkaRecordLog(kafka);
  const sim = createSimulator({ seed: `broker-${randomUUID()}`, attackRate: 0.2 });
  const acked: AgentActionEvent[] = [];
  let clock = Date.now() - 120_000;
  let restarted = false;
  let downMs = 0;
  while (acked.length < 2400) {
    const batch: AgentActionEvent[] = [];
    while (batch.length < 60) batch.push(...sim.nextTrace((clock += 100)).events);
    await producer.publish(topic, batch.map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })));
    acked.push(...batch);
    if (!restarted && acked.length >= 900) {
      restarted = true;
      const down = Date.now();
      await broker('stop');
      await new Promise((r) => setTimeout(r, 3000));
      await broker('start');
      downMs = Date.now() - down;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await producer.disconnect();
  return { acked, downMs };
}

/** The writer's embedded store holds each acknowledged event exactly once. */
async function expectStoredOnce(dataDir: string, acked: readonly AgentActionEvent[]): Promise<void> {
  const ch = await openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(dataDir, 'clickhouse'), ttlDays: 30 });
  try {
    const [row] = await (
      await ch.client.query({
        query: 'SELECT count() AS n, uniqExact(event_id) AS d FROM chainwatch.agent_actions WHERE event_id IN {ids:Array(UUID)}',
        query_params: { ids: acked.map((e) => e.event_id) },
        format: 'JSONEachRow',
      })
    ).json<{ n: string; d: string }>();
    console.log(`[fault broker-restart] stored ${row?.n} rows (${row?.d} distinct) of ${acked.length} acknowledged`);
    expect(Number(row?.n)).toBe(acked.length);
    expect(Number(row?.d)).toBe(acked.length);
  } finally {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('Kafka mode: a broker restart mid-stream', () => {
  it('loses no acknowledged event, resets no session, stores each once; SIGTERM with the broker down ends each service within 10 s', async () => {
    const port = await freePort();
    brokerEnv = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_DATA_DIR: brokerDir, KAFKA_FRESH: '1', KAFKA_OWNER_PID: String(process.pid) };
    await broker('start');
    brokerEnv = { ...brokerEnv, KAFKA_FRESH: '0' };
    const brokers = `127.0.0.1:${port}`;
    const kafka = createKafka({ brokers: [brokers], clientId: randomName('fault-broker'), logger: createLogger({ name: 'fault-broker', level: 'silent' }) });

    const base = randomName('fault-brk');
    const topics = {
      actions: `${base}.actions`,
      dlq: `${base}.actions.dlq`,
      riskSignals: `${base}.risk-signals`,
      findings: `${base}.findings`,
      sessionState: `${base}.session-state`,
      approvals: `${base}.approvals`,
      writerDlq: `${base}.writer-dlq`,
    };
    const processorGroup = randomName('fault-brk-proc');
    const writerGroup = randomName('fault-brk-writer');
    const opsPort = await freePort();
    const processor = await startCliService(
      ['processor'],
      {
        KAFKA_BROKERS: brokers,
        PROCESSOR_GROUP_ID: processorGroup,
        PROCESSOR_PARTITIONS: '2',
        PROCESSOR_CHUNK_SIZE: '50',
        PROCESSOR_COMMIT_INTERVAL_MS: '200',
        PROCESSOR_SESSION_TIMEOUT_MS: '10000',
        PROCESSOR_METRICS_PORT: String(opsPort),
        PROCESSOR_TOPIC_ACTIONS: topics.actions,
        PROCESSOR_TOPIC_DLQ: topics.dlq,
        PROCESSOR_TOPIC_RISK_SIGNALS: topics.riskSignals,
        PROCESSOR_TOPIC_FINDINGS: topics.findings,
        PROCESSOR_TOPIC_SESSION_STATE: topics.sessionState,
        PROCESSOR_TOPIC_APPROVALS: topics.approvals,
      },
      /chainwatch processor: group/,
    );
    children.push(processor);
    await waitForStatus(`http://127.0.0.1:${opsPort}/readyz`, 200);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: topics.writerDlq, numPartitions: 1 }] });
    await admin.disconnect();
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-fault-broker-ch-'));
    const writer = await startService('writer', {
      KAFKA_BROKERS: brokers,
      CHAINWATCH_DATA_DIR: dataDir,
      TRACE_WRITER_GROUP_ID: writerGroup,
      TRACE_WRITER_BATCH_MAX_WAIT_MS: '100',
      TRACE_WRITER_METRICS_PORT: '0',
      FAULT_TOPICS: JSON.stringify({ actions: topics.actions, findings: topics.findings, riskSignals: topics.riskSignals, writerDlq: topics.writerDlq }),
    });
    children.push(writer);

    // Produce; restart the broker in the middle; keep producing.
    const { acked, downMs } = await produceAcrossARestart(kafka, topics.actions);

    // Both services caught up after the restart.
    await until(() => committedToEnd(kafka, processorGroup, topics.actions), 240_000, 'processor committed everything');
    await until(() => committedToEnd(kafka, writerGroup, topics.actions), 240_000, 'writer committed everything');
    const perSession = new Map<string, number>();
    for (const e of acked) perSession.set(e.session_id, (perSession.get(e.session_id) ?? 0) + 1);
    const latest = new Map<string, RiskSignal>();
    await consumeUntil({
      kafka,
      topic: topics.riskSignals,
      timeoutMs: 120_000,
      predicate: (m) => {
        const s = m.json() as RiskSignal;
        const cur = latest.get(s.session_id);
        if (!cur || s.seq > cur.seq) latest.set(s.session_id, s);
        for (const [id, n] of perSession) if ((latest.get(id)?.seq ?? 0) < n) return false;
        return true;
      },
    });
    for (const [id, n] of perSession) expect(latest.get(id)?.seq, id).toBe(n);

    // A decision API on the same broker, then the broker goes down again; SIGTERM each service in that state.
    const auth = await createDevAuth();
    const jwksDir = mkdtempSync(join(tmpdir(), 'cw-fault-jwks-'));
    const jwksFile = join(jwksDir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(auth.jwks));
    const api = await startService('decision-api', {
      KAFKA_BROKERS: brokers,
      JWT_JWKS_FILE: jwksFile,
      JWT_ISSUER: auth.issuer,
      JWT_AUDIENCE: auth.audience,
      DECISION_API_PORT: String(await freePort()),
      FAULT_TOPICS: JSON.stringify({ actions: topics.actions, riskSignals: topics.riskSignals, decisions: `${base}.decisions`, approvals: topics.approvals }),
    });
    children.push(api);
    await waitForStatus(`${api.info.url}/readyz`, 200);
    await broker('stop');
    const stopProcessor = await terminate(processor);
    const stopWriter = await terminate(writer);
    const stopApi = await terminate(api);
    console.log(
      `[fault broker-restart] ${acked.length} events acknowledged, broker down ${downMs} ms mid-stream; ${perSession.size} sessions all counted; ` +
        `SIGTERM with the broker down: processor exit ${stopProcessor.code} after ${stopProcessor.ms} ms, writer exit ${stopWriter.code} after ${stopWriter.ms} ms, ` +
        `decision API exit ${stopApi.code} after ${stopApi.ms} ms`,
    );
    expect(stopProcessor.ms).toBeLessThan(10_000);
    expect(stopWriter.ms).toBeLessThan(10_000);
    expect(stopApi.ms).toBeLessThan(10_000);
    rmSync(jwksDir, { recursive: true, force: true });

    await expectStoredOnce(dataDir, acked);
  }, 900_000);
});
