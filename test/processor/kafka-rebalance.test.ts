/**
 * Rebalance over a real broker: a second processor joins the group, takes over some partitions
 * and restores their traces from the state topic before processing them; the first one gives
 * them up. Sessions moved to the new instance continue their counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RiskSignal } from '@chainwatch/schemas';
import { createSimulator } from '@chainwatch/simulator';
import type { KafkaSessionProcessor } from '@chainwatch/session-processor';
import type { Registry } from 'prom-client';
import { consumeUntil, randomName, testKafka, waitFor } from '@chainwatch/testing';
import { countBySession, latestSignals, produceEvents, randomProcessorTopics, simulationEngine, startProcessor } from './harness';

const running: KafkaSessionProcessor[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

async function counterValue(registry: Registry, name: string): Promise<number> {
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
}

describe('session-processor over Kafka: rebalance', () => {
  it('restores the partitions a new member takes over, and their sessions continue there', async () => {
    const kafka = testKafka();
    const topics = randomProcessorTopics();
    const groupId = randomName('proc-rebalance');
    const sim = createSimulator({ seed: 'rebalance', attackRate: 0.3 });
    const now = Date.now();
    const traces = Array.from({ length: 24 }, (_, i) => sim.nextTrace(now + i * 200));
    const events = traces.flatMap((t) => t.events).sort((a, b) => a.ts - b.ts);
    const phase1 = events.slice(0, Math.floor(events.length / 2));
    const phase2 = events.slice(phase1.length);

    const a = await startProcessor({ kafka, topics, groupId, engine: simulationEngine(), partitions: 4, sessionTimeoutMs: 6000 });
    running.push(a.running);
    expect(a.running.assignedPartitions()).toEqual([0, 1, 2, 3]);
    await produceEvents(kafka, topics.actions, phase1);
    await waitFor(async () => (await counterValue(a.registry, 'chainwatch_processor_events_processed_total')) >= phase1.length, { timeoutMs: 30_000 });
    // Let A checkpoint and commit phase 1.
    await waitFor(() => a.running.processor.pendingCheckpoints === 0, { timeoutMs: 10_000 });

    const b = await startProcessor({ kafka, topics, groupId, engine: simulationEngine(), partitions: 4, sessionTimeoutMs: 6000 });
    running.push(b.running);
    await waitFor(() => a.running.assignedPartitions().length + b.running.assignedPartitions().length === 4 && b.running.assignedPartitions().length > 0, {
      timeoutMs: 30_000,
      message: 'partitions split between the two members',
    });
    const moved = b.running.assignedPartitions();
    expect(a.running.assignedPartitions().some((p) => moved.includes(p))).toBe(false);
    expect(await counterValue(b.registry, 'chainwatch_processor_traces_restored_total')).toBeGreaterThan(0);

    await produceEvents(kafka, topics.actions, phase2);
    const counts = countBySession(events);
    const messages = await consumeUntil({
      kafka,
      topic: topics.riskSignals,
      timeoutMs: 60_000,
      predicate: (_m, all) => {
        const latest = latestSignals(all.map((x) => x.json() as RiskSignal));
        return [...counts].every(([id, n]) => latest.get(id)?.seq === n);
      },
    });
    const latest = latestSignals(messages.map((m) => m.json() as RiskSignal));
    for (const [id, n] of counts) expect(latest.get(id)?.seq, id).toBe(n);
    // B processed phase-2 events of sessions it inherited: their counts continued.
    expect(await counterValue(b.registry, 'chainwatch_processor_events_processed_total')).toBeGreaterThan(0);
  });
});
