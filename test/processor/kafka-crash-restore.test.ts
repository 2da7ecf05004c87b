/**
 * Crash recovery over a real broker: the processor runs in a child process and is SIGKILLed
 * mid-stream (no graceful shutdown, no final commit). A new process restores the in-flight
 * sessions from the compacted state topic: their event counts and scores continue instead of
 * starting from zero, and every finding a crash-free run raises appears on the findings topic.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentActionEvent, Finding, RiskSignal } from '@chainwatch/schemas';
import { createSimulator } from '@chainwatch/simulator';
import type { ProcessorTopics } from '@chainwatch/session-processor';
import { consumeUntil, kafkaBrokers, randomName, testKafka, waitFor } from '@chainwatch/testing';
import { countBySession, latestSignals, produceEvents, randomProcessorTopics, simulationEngine } from './harness';

const CHILD = fileURLToPath(new URL('./processor-child.ts', import.meta.url));
const children = new Set<ChildProcess>();

function childEnv(topics: ProcessorTopics, groupId: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_CLIENT_ID: 'processor-child',
    PROCESSOR_GROUP_ID: groupId,
    PROCESSOR_PARTITIONS: '2',
    PROCESSOR_CHUNK_SIZE: '25',
    // A killed member holds its partitions until its session times out: keep that short here.
    PROCESSOR_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TOPIC_ACTIONS: topics.actions,
    PROCESSOR_TOPIC_DLQ: topics.dlq,
    PROCESSOR_TOPIC_RISK_SIGNALS: topics.riskSignals,
    PROCESSOR_TOPIC_FINDINGS: topics.findings,
    PROCESSOR_TOPIC_SESSION_STATE: topics.sessionState,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
}

/** Starts the processor process and resolves once it consumes (its partitions are restored). */
async function startChild(topics: ProcessorTopics, groupId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CHILD], { env: childEnv(topics, groupId), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`processor child exited (${code}) before READY: ${stderr.slice(-2000)}`)));
  });
  return child;
}

async function committedOffsets(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Exactly the crash-free run's findings, by id (deterministic): none lost, none new. */
async function expectNoFindingLost(
  kafka: Kafka,
  topics: ProcessorTopics,
  run: { events: readonly AgentActionEvent[]; expectedFindings: ReadonlySet<string>; expectedFindingIds: ReadonlySet<string> },
): Promise<void> {
  const { events, expectedFindings, expectedFindingIds } = run;
  // Read until every finding id of the crash-free run has arrived (or the timeout): waiting for each
  // session and rule only would stop before a second finding of the same rule in a session.
  const findings = await consumeUntil({
    kafka,
    topic: topics.findings,
    timeoutMs: 30_000,
    predicate: (_m, all) => {
      const ids = new Set(all.map((x) => (x.json() as Finding).finding_id));
      return [...expectedFindingIds].every((id) => ids.has(id));
    },
  }); // times out (and fails the test) when a finding of the crash-free run never arrives
  const seen = new Set(findings.map((x) => { const f = x.json() as Finding; return `${f.session_id}|${f.rule_id}`; }));
  expect([...expectedFindings].filter((k) => !seen.has(k))).toEqual([]);
  // A replayed stretch may publish some twice, which the trace writer stores once.
  const publishedIds = new Set(findings.map((m) => (m.json() as Finding).finding_id));
  const lost = [...expectedFindingIds].filter((id) => !publishedIds.has(id));
  console.log(`[fault processor-kill] ${events.length} events produced; findings: ${expectedFindingIds.size} expected, ${publishedIds.size} distinct published, ${lost.length} lost, ${findings.length} messages read`);
  expect(lost).toEqual([]);
  expect([...publishedIds].filter((id) => !expectedFindingIds.has(id))).toEqual([]);
}

/** Checkpoints sit on the state partition of their trace's input partition. */
async function expectCheckpointsOnTheirPartition(kafka: Kafka, topics: ProcessorTopics, run: { events: readonly AgentActionEvent[]; traces: number }): Promise<void> {
  const inputs = await consumeUntil({ kafka, topic: topics.actions, count: run.events.length, timeoutMs: 30_000 });
  const tracePartition = new Map(inputs.map((m) => [m.key, m.partition]));
  const state = await consumeUntil({
    kafka,
    topic: topics.sessionState,
    timeoutMs: 30_000,
    predicate: (_m, all) => new Set(all.map((x) => x.key)).size >= run.traces,
  });
  for (const m of state) expect(m.partition, `checkpoint of ${m.key}`).toBe(tracePartition.get(m.key));
}

describe('session-processor over Kafka: crash and restore', () => {
  it('continues in-flight sessions from restored state after a SIGKILL and loses no finding', async () => {
    const kafka = testKafka();
    const topics = randomProcessorTopics();
    const groupId = randomName('proc-crash');

    // Long multi-agent traces, attacks among them, interleaved by time.
    const sim = createSimulator({ seed: 'crash-restore', attackRate: 0.5 });
    const now = Date.now();
    const traces = Array.from({ length: 40 }, (_, i) => sim.nextTrace(now + i * 500));
    const events: AgentActionEvent[] = traces.flatMap((t) => t.events).sort((a, b) => a.ts - b.ts);
    const phase1 = events.slice(0, Math.floor(events.length * 0.5));
    const phase2 = events.slice(phase1.length, Math.floor(events.length * 0.75));
    const phase3 = events.slice(phase1.length + phase2.length);

    // What a crash-free run finds, per session and rule.
    const reference = simulationEngine();
    const expectedFindings = new Set<string>();
    const expectedFindingIds = new Set<string>();
    for (const e of events) {
      for (const f of reference.observe(e).findings) {
        expectedFindings.add(`${f.session_id}|${f.rule_id}`);
        expectedFindingIds.add(f.finding_id);
      }
    }
    expect(expectedFindings.size).toBeGreaterThan(3);

    const first = await startChild(topics, groupId);
    await produceEvents(kafka, topics.actions, phase1);
    // The first process has processed and committed phase 1.
    await waitFor(async () => (await committedOffsets(groupId, topics.actions)) >= phase1.length, {
      timeoutMs: 30_000,
      message: 'phase 1 committed',
    });
    // Before the crash: signals for the sessions of phase 1.
    const beforeCrash = await consumeUntil({ kafka, topic: topics.riskSignals, timeoutMs: 30_000, predicate: (_m, all) => {
      const latest = latestSignals(all.map((x) => x.json() as RiskSignal));
      return [...countBySession(phase1)].every(([id, n]) => latest.get(id)?.seq === n);
    } });
    const preCrash = latestSignals(beforeCrash.map((m) => m.json() as RiskSignal));

    // Mid-stream: more records arrive and the process dies while handling them.
    await produceEvents(kafka, topics.actions, phase2);
    first.kill('SIGKILL');
    await once(first, 'exit');
    await produceEvents(kafka, topics.actions, phase3);

    // Where the second process starts writing signals (the first one is dead).
    const admin = kafka.admin();
    await admin.connect();
    const signalEnds = new Map((await admin.fetchTopicOffsets(topics.riskSignals)).map((o) => [o.partition, BigInt(o.high)]));
    await admin.disconnect();

    const second = await startChild(topics, groupId);
    const counts = countBySession(events);
    const signalMessages = await consumeUntil({
      kafka,
      topic: topics.riskSignals,
      timeoutMs: 60_000,
      predicate: (_m, all) => {
        const latest = latestSignals(all.map((x) => x.json() as RiskSignal));
        return [...counts].every(([id, n]) => latest.get(id)?.seq === n);
      },
    });
    const signals = signalMessages.map((m) => m.json() as RiskSignal);
    const latest = latestSignals(signals);

    // Every session ends with a count of all its events.
    for (const [id, n] of counts) expect(latest.get(id)?.seq, id).toBe(n);
    // No reset: everything the new process publishes for a session of phase 1 counts at least
    // the phase-1 events, which were committed, so restored (a reset would restart near zero).
    const phase1Counts = countBySession(phase1);
    const afterRestart = signalMessages.filter((m) => BigInt(m.offset) >= (signalEnds.get(m.partition) ?? 0n)).map((m) => m.json() as RiskSignal);
    const continued = afterRestart.filter((s) => phase1Counts.has(s.session_id));
    expect(continued.length).toBeGreaterThan(0);
    for (const s of continued) expect(s.seq, `${s.session_id} after restart`).toBeGreaterThan(phase1Counts.get(s.session_id)!);
    // In-flight sessions with risk before the crash still carry it (scores only drop by decay).
    const atRisk = [...preCrash.values()].filter((s) => s.score > 0 && (counts.get(s.session_id) ?? 0) > s.seq);
    for (const s of atRisk) {
      const reasonIds = new Set(latest.get(s.session_id)!.reasons.map((r) => r.rule_id));
      for (const r of s.reasons) expect(reasonIds.has(r.rule_id), `${s.session_id} kept ${r.rule_id}`).toBe(true);
      expect(latest.get(s.session_id)!.score).toBeGreaterThan(0);
    }
    // Every session matches the crash-free run exactly.
    for (const [id] of counts) {
      const ref = reference.signal(id)!;
      expect(latest.get(id)!.level, id).toBe(ref.level);
    }

    await expectNoFindingLost(kafka, topics, { events, expectedFindings, expectedFindingIds });
    await expectCheckpointsOnTheirPartition(kafka, topics, { events, traces: traces.length });

    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
