import type { MemoryLog, Subscription } from '@chainwatch/kafka';
import type { ProcessorSink, TopicRecords } from './processor-sink';
import type { SessionProcessor, StateEntry } from './session-processor';

/** A sink that appends to the in-process log (tombstones become empty values). */
export function memoryLogSink(log: MemoryLog): ProcessorSink {
  return {
    async send(batches: readonly TopicRecords[]): Promise<void> {
      for (const b of batches) {
        if (b.records.length === 0) continue;
        await log.publish(
          b.topic,
          b.records.map((r) => ({ key: r.key, value: r.value ?? Buffer.alloc(0) })),
        );
      }
    },
  };
}

/**
 * All-in-one mode (`chainwatch start`): restores whatever checkpoints the log still holds, then
 * feeds every record of the actions topic to the processor, reporting each handled batch to
 * `onProcessed` (the decision API's in-process view marks itself fresh there). A chunk that fails is redelivered
 * by the MemoryLog (at-least-once); duplicates are ignored by the engine.
 */
export async function attachProcessorToMemoryLog(
  log: MemoryLog,
  processor: SessionProcessor,
  options: { onProcessed?: (now: number) => void } = {},
): Promise<Subscription> {
  const latest = new Map<string, StateEntry>();
  for (const r of log.records(processor.topics.sessionState)) {
    if (r.key === null) continue;
    latest.set(r.key, { traceId: r.key, partition: r.partition, checkpoint: r.value.length === 0 ? null : r.value.toString('utf8') });
  }
  await processor.restore(latest.values());
  processor.init();
  // Approvals answered by the decision API (the whole topic, like every instance does over Kafka).
  const approvals = log.subscribe(
    [processor.topics.approvals],
    async (records) => {
      for (const r of records) await processor.applyApproval(r.value);
    },
    { fromBeginning: true },
  );
  const sub = log.subscribe(
    [processor.topics.actions],
    async (records) => {
      await processor.process(records);
      await processor.flush();
      // The engine now reflects everything up to this batch: a live view built on it is current.
      options.onProcessed?.(Date.now());
    },
    { fromBeginning: true },
  );
  return {
    close: async () => {
      await approvals.close();
      await sub.close();
      await processor.close();
    },
  };
}
