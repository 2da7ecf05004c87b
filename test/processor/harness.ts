/**
 * Helpers of the session-processor integration tests: the real detection engine configured for
 * simulated traffic, per-test topic names, and the processor run in-process over real Kafka.
 */
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import { withSimulatorTools } from '@chainwatch/simulator';
import { createLogger } from '@chainwatch/runtime';
import type { AgentActionEvent, RiskSignal } from '@chainwatch/schemas';
import {
  createProcessorMetrics,
  runKafkaSessionProcessor,
  type KafkaSessionProcessor,
  type ProcessorMetrics,
  type ProcessorTopics,
} from '@chainwatch/session-processor';
import { produceJson, randomName } from '@chainwatch/testing';

/** The shipped policy, with the simulator's tools added to the shipped catalog. */
export function simulationEngine(options: { idleMs?: number } = {}): DetectionEngine {
  const { catalog, policy } = loadDefaultPolicy();
  const merged = withSimulatorTools(catalog);
  return createDetectionEngine({ catalog: merged, policy, ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}) });
}

/** Fresh topic names for one test (created by the processor at start-up). */
export function randomProcessorTopics(): ProcessorTopics {
  const base = randomName('proc');
  return {
    actions: `${base}.actions`,
    dlq: `${base}.actions.dlq`,
    riskSignals: `${base}.risk-signals`,
    findings: `${base}.findings`,
    sessionState: `${base}.session-state`,
    approvals: `${base}.approvals`,
  };
}

const testLogger = createLogger({ name: 'processor-it', level: process.env.LOG_LEVEL ?? 'warn' });

export async function startProcessor(options: {
  kafka: Kafka;
  topics: ProcessorTopics;
  groupId: string;
  engine: DetectionEngine;
  partitions?: number;
  maxEventBytes?: number;
  registry?: Registry;
  sessionTimeoutMs?: number;
}): Promise<{ running: KafkaSessionProcessor; metrics: ProcessorMetrics; registry: Registry }> {
  const registry = options.registry ?? new Registry();
  const metrics = createProcessorMetrics(registry);
  const running = await runKafkaSessionProcessor({
    kafka: options.kafka,
    groupId: options.groupId,
    engine: options.engine,
    logger: testLogger,
    metrics,
    topics: options.topics,
    partitions: options.partitions ?? 3,
    punctuateIntervalMs: 0,
    chunkSize: 200,
    commitIntervalMs: 200,
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
  });
  await running.ready;
  return { running, metrics, registry };
}

/** Produces events keyed by trace_id, as an agent runtime would. */
export async function produceEvents(kafka: Kafka, topic: string, events: readonly AgentActionEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await produceJson(
      topic,
      events.slice(i, i + 500).map((e) => ({ key: e.trace_id, value: e })),
      { kafka },
    );
  }
}

/** Latest signal per session, in topic order (later records win). */
export function latestSignals(signals: readonly RiskSignal[]): Map<string, RiskSignal> {
  const out = new Map<string, RiskSignal>();
  for (const s of signals) {
    const prev = out.get(s.session_id);
    if (!prev || s.seq >= prev.seq) out.set(s.session_id, s);
  }
  return out;
}

/** Events per session. */
export function countBySession(events: readonly AgentActionEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) out.set(e.session_id, (out.get(e.session_id) ?? 0) + 1);
  return out;
}
