/**
 * Every simulated scenario through the real processor, the real detection engine and a real
 * broker: each attack raises its detector's finding on the findings topic and drives its session's
 * risk signal to at least the expected level; benign traces stay low.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVELS, type Finding, type RiskSignal } from '@chainwatch/schemas';
import { createSimulator, scenarioNames, type GeneratedTrace } from '@chainwatch/simulator';
import type { KafkaSessionProcessor, ProcessorTopics } from '@chainwatch/session-processor';
import { consumeUntil, randomName, testKafka } from '@chainwatch/testing';
import { countBySession, latestSignals, produceEvents, randomProcessorTopics, simulationEngine, startProcessor } from './harness';

const rank = (level: string): number => LEVELS.indexOf(level as (typeof LEVELS)[number]);

describe('session-processor over Kafka: simulated scenarios', () => {
  const kafka = testKafka();
  let topics: ProcessorTopics;
  let running: KafkaSessionProcessor;
  const traces: GeneratedTrace[] = [];

  beforeAll(async () => {
    topics = randomProcessorTopics();
    ({ running } = await startProcessor({ kafka, topics, groupId: randomName('proc-group'), engine: simulationEngine(), partitions: 3 }));
    const sim = createSimulator({ seed: 'kafka-scenarios' });
    const now = Date.now();
    for (const name of scenarioNames()) traces.push(sim.scenario(name, now));
    // Interleave all traces by time, like concurrent agents.
    const events = traces.flatMap((t) => t.events).sort((a, b) => a.ts - b.ts);
    await produceEvents(kafka, topics.actions, events);
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('publishes each attack’s expected findings and a risk signal at or above its level; benign sessions stay low', async () => {
    const expected = traces.flatMap((t) => t.scenario.expected.map((x) => ({ ...x, scenario: t.scenario.scenario })));
    expect(expected.length).toBeGreaterThanOrEqual(5);

    const findingMessages = await consumeUntil({
      kafka,
      topic: topics.findings,
      timeoutMs: 45_000,
      predicate: (_m, all) => {
        const seen = new Set(all.map((m) => { const f = m.json() as Finding; return `${f.session_id}|${f.detector}`; }));
        return expected.every((x) => seen.has(`${x.sessionId}|${x.detector}`));
      },
    });
    const findings = findingMessages.map((m) => m.json() as Finding);
    for (const m of findingMessages) expect(m.key).toBe((m.json() as Finding).session_id);
    for (const x of expected) {
      const hit = findings.find((f) => f.session_id === x.sessionId && f.detector === x.detector);
      expect(hit, `${x.scenario}: ${x.detector} finding`).toBeDefined();
      expect(hit!.evidence_event_ids.length).toBeGreaterThan(0);
    }

    // Wait for the final signal of every session (seq = its number of events).
    const allEvents = traces.flatMap((t) => t.events);
    const counts = countBySession(allEvents);
    const signalMessages = await consumeUntil({
      kafka,
      topic: topics.riskSignals,
      timeoutMs: 45_000,
      predicate: (_m, all) => {
        const latest = latestSignals(all.map((x) => x.json() as RiskSignal));
        return [...counts].every(([id, n]) => latest.get(id)?.seq === n);
      },
    });
    for (const m of signalMessages) expect(m.key).toBe((m.json() as RiskSignal).session_id);
    const latest = latestSignals(signalMessages.map((m) => m.json() as RiskSignal));

    for (const t of traces) {
      if (t.scenario.kind === 'attack') {
        for (const x of t.scenario.expected) {
          const signal = latest.get(x.sessionId)!;
          expect(rank(signal.level), `${t.scenario.scenario}: level ${signal.level}`).toBeGreaterThanOrEqual(rank(t.scenario.minLevel ?? 'low'));
          expect(signal.reasons.some((r) => r.detector === x.detector)).toBe(true);
        }
      } else {
        for (const id of t.scenario.sessionIds) expect(latest.get(id)?.level, `${t.scenario.scenario} ${id}`).toBe('low');
      }
    }
    expect(running.processor.traceCount).toBe(traces.length);
  });
});
