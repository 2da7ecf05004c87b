/**
 * Session-processor benchmark over the real broker. In one run:
 *  1. N simulated events (several agent types, multi-agent traces, ~10% attacks) are produced,
 *     keyed by trace_id, to a fresh actions topic;
 *  2. a bare kafkajs consumer (fresh group) reads them all and JSON.parses each value, nothing else;
 *  3. the real session processor (runKafkaSessionProcessor: schema validation, the detection engine
 *     with the shipped policy, signals, findings and checkpoints produced to fresh topics with
 *     acks=all, offsets committed) reads the same topic with a fresh group.
 * Each side is timed from its first message to its last, in interleaved rounds (medians reported).
 * The broker is the bench's own (infra/kafka/start.sh on free ports), pinned to one core, and the
 * consumers and the generator run in this process on the other; with KAFKA_BROKERS set, that
 * broker is used instead, unpinned.
 */

import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';

import type { Kafka } from 'kafkajs';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import { createSimulator, withSimulatorTools } from '@chainwatch/simulator';
import { createKafka, waitForTopicLeaders } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { AgentActionEvent } from '@chainwatch/schemas';
import { PROCESSOR_DEFAULTS, runKafkaSessionProcessor, type ProcessorTopics } from '@chainwatch/session-processor';
import { startBenchBroker, type BenchBroker } from './bench-broker';
import { corePlan, pinProcess } from './pinning';

export interface ProcessorBenchResult {
  readonly processor_events_per_s: number;
  readonly bare_events_per_s: number;
  readonly ratio: number;
  /** Broker on one core, consumers on the other (false: the broker came from KAFKA_BROKERS, or one core). */
  readonly pinned: boolean;
  readonly load_start: number;
  readonly load_end: number;
}

export interface ProcessorBenchOptions {
  /** Simulated events to produce and consume (default 50,000). */
  readonly events?: number;
  readonly log?: (line: string) => void;
  /** Bootstrap brokers (default: KAFKA_BROKERS; unset: the bench starts a broker of its own and pins it). */
  readonly brokers?: readonly string[];
  /** Interleaved rounds of bare consumer and processor over the same input (default 3); medians reported. */
  readonly rounds?: number;
  /** Input partitions (default: the processor's default). */
  readonly partitions?: number;
  /** Give up waiting for either side after this long (default 180 s). */
  readonly timeoutMs?: number;
}

const name = (prefix: string): string => `bench-${prefix}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

/** The shipped policy, with the simulator's tools added to the shipped catalog (as the processor tests do). */
function benchEngine(): DetectionEngine {
  const { catalog, policy } = loadDefaultPolicy();
  const merged = withSimulatorTools(catalog);
  return createDetectionEngine({ catalog: merged, policy });
}

/** At least `count` simulated events from concurrent traces, interleaved by time; cut to `count`. */
function simulatedEvents(count: number): AgentActionEvent[] {
  const sim = createSimulator({ seed: 'bench-processor' });
  const start = Date.now() - 3_600_000;
  const events: AgentActionEvent[] = [];
  for (let i = 0; events.length < count; i++) events.push(...sim.nextTrace(start + i * 250).events);
  events.sort((a, b) => a.ts - b.ts);
  return events.slice(0, count);
}

async function produce(kafka: Kafka, topic: string, partitions: number, events: readonly AgentActionEvent[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    await waitForTopicLeaders(admin, [topic]);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 2000) {
      const messages = events.slice(i, i + 2000).map((e) => ({ key: e.trace_id, value: JSON.stringify(e) }));
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Resolves when `done()` turns true, or rejects after the timeout. */
function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
      }
    }, 20);
  });
}

interface Timing {
  first: number;
  last: number;
  count: number;
  /** Time inside the handler (bare: parsing; processor: process() including producing outputs). */
  busy: number;
  /** Process CPU time (user + system, µs) at the first and at the last message. */
  cpuFirst: number;
  cpuLast: number;
  /** Messages handled between those two readings. */
  cpuCount: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const newTiming = (): Timing => ({ first: 0, last: 0, count: 0, busy: 0, cpuFirst: 0, cpuLast: 0, cpuCount: 0 });

const describe = (t: Timing): string =>
  `${t.count} in ${((t.last - t.first) / 1000).toFixed(2)} s, ${Math.round((100 * t.busy) / Math.max(1, t.last - t.first))}% of it in the handler, ` +
  `process CPU ${((t.cpuLast - t.cpuFirst) / Math.max(1, t.cpuCount)).toFixed(1)} µs/event`;

const perSecond = (t: Timing): number => (t.last > t.first ? (t.count / (t.last - t.first)) * 1000 : 0);

/** A bare kafkajs consumer: JSON.parse of each value, nothing else. Same fetch wait as the processor. */
async function bareConsume(kafka: Kafka, topic: string, expected: number, timeoutMs: number): Promise<Timing> {
  const consumer = kafka.consumer({ groupId: name('bare'), allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const t = newTiming();
  let sink = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const started = performance.now();
        if (t.count === 0) {
          t.first = started;
          t.cpuFirst = cpuNow();
        }
        for (const m of batch.messages) {
          const value = JSON.parse(m.value ? m.value.toString('utf8') : 'null') as { ts?: number } | null;
          sink += value?.ts ?? 0;
        }
        t.count += batch.messages.length;
        t.last = performance.now();
        t.busy += t.last - started;
        t.cpuLast = cpuNow();
        t.cpuCount += batch.messages.length;
      },
    });
    await waitFor(() => t.count >= expected, timeoutMs, 'bare consumer');
  } finally {
    await consumer.disconnect();
  }
  if (sink === 0) throw new Error('bare consumer read nothing');
  return t;
}

async function processorConsume(kafka: Kafka, topics: ProcessorTopics, partitions: number, expected: number, timeoutMs: number): Promise<Timing> {
  const t = newTiming();
  const running = await runKafkaSessionProcessor({
    kafka,
    groupId: name('processor'),
    engine: benchEngine(),
    logger: createLogger({ name: 'bench-processor', level: 'warn' }),
    topics,
    partitions,
    onChunk: (chunk) => {
      // CPU is read when a chunk is reported (after it): counted from the end of the first chunk.
      if (t.count === 0) {
        t.first = chunk.startedAt;
        t.cpuFirst = cpuNow();
      } else {
        t.cpuCount += chunk.records;
      }
      t.count += chunk.records;
      t.last = chunk.finishedAt;
      t.busy += chunk.finishedAt - chunk.startedAt;
      if (t.cpuCount > 0) t.cpuLast = cpuNow();
    },
  });
  try {
    await waitFor(() => t.count >= expected, timeoutMs, 'session processor');
  } finally {
    await running.stop();
  }
  return t;
}

export async function runProcessorBench(opts: ProcessorBenchOptions = {}): Promise<ProcessorBenchResult> {
  const log = opts.log ?? (() => undefined);
  const count = opts.events ?? 50_000;
  const rounds = Math.max(1, opts.rounds ?? 3);
  const partitions = opts.partitions ?? PROCESSOR_DEFAULTS.partitions;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const plan = corePlan();
  const loadStart = loadavg()[0] ?? 0;
  const configured = opts.brokers ?? process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  let broker: BenchBroker | null = null;
  let brokers: readonly string[];
  if (configured && configured.length > 0) {
    brokers = configured;
    log(`processor: broker ${brokers.join(',')} from KAFKA_BROKERS: not started by the bench, so not pinned`);
  } else {
    broker = await startBenchBroker(plan, plan.serverCore);
    brokers = broker.brokers;
    log(`processor: started a broker of its own at ${brokers.join(',')} (pid ${broker.pid}${plan.pinned ? `, pinned to core ${plan.serverCore}` : ''})`);
  }
  // The consumers (bare and processor) and the event generator run in this process, on the other core.
  pinProcess(plan, process.pid, plan.loadCore);
  log(`processor: ${plan.pinned ? `broker on core ${plan.serverCore}, consumers and generator (this process) on core ${plan.loadCore}` : plan.describe}; load average ${loadStart.toFixed(2)}`);
  const kafka = createKafka({ brokers: [...brokers], clientId: name('client'), logger: createLogger({ name: 'bench-kafka', level: 'error' }) });
  const created: string[] = [];
  try {
    const input = `${name('proc')}.actions`;
    created.push(input);
    const events = simulatedEvents(count);
    log(`processor: producing ${events.length.toLocaleString('en')} simulated events to ${input} (${partitions} partitions)`);
    await produce(kafka, input, partitions, events);

    const bareRates: number[] = [];
    const procRates: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      const bare = await bareConsume(kafka, input, events.length, timeoutMs);
      bareRates.push(perSecond(bare));
      log(`round ${r}/${rounds} bare kafkajs consumer (JSON.parse): ${Math.round(perSecond(bare)).toLocaleString('en')} events/s  (${describe(bare)})`);
      const base = name('proc');
      const topics: ProcessorTopics = {
        actions: input,
        dlq: `${base}.actions.dlq`,
        riskSignals: `${base}.risk-signals`,
        findings: `${base}.findings`,
        sessionState: `${base}.session-state`,
        approvals: `${base}.approvals`,
      };
      created.push(topics.dlq, topics.riskSignals, topics.findings, topics.sessionState, topics.approvals);
      const proc = await processorConsume(kafka, topics, partitions, events.length, timeoutMs);
      procRates.push(perSecond(proc));
      log(`round ${r}/${rounds} session processor (full pipeline): ${Math.round(perSecond(proc)).toLocaleString('en')} events/s  (${describe(proc)})`);
    }
    const bareRate = median(bareRates);
    const procRate = median(procRates);
    const ratio = bareRate > 0 ? procRate / bareRate : 0;
    const loadEnd = loadavg()[0] ?? 0;
    log(`processor / bare (medians of ${rounds} interleaved rounds): ${Math.round(procRate).toLocaleString('en')} / ${Math.round(bareRate).toLocaleString('en')} events/s = ${ratio.toFixed(3)}; load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)}`);
    return {
      processor_events_per_s: Math.round(procRate),
      bare_events_per_s: Math.round(bareRate),
      ratio: Math.round(ratio * 1000) / 1000,
      pinned: plan.pinned && broker !== null,
      load_start: Math.round(loadStart * 100) / 100,
      load_end: Math.round(loadEnd * 100) / 100,
    };
  } finally {
    await deleteTopics(kafka, created);
    await broker?.stop();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Best effort: the benchmark's topics are throwaway. */
async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [...topics], timeout: 10_000 });
  } catch {
    // left for the broker's retention
  } finally {
    await admin.disconnect();
  }
}

