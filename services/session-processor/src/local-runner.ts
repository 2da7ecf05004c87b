import type { LocalLog, RecordPublisher, Subscription } from '@chainwatch/kafka';
import type { ProcessorSink, TopicRecords } from './processor-sink';
import type { SessionProcessor, StateEntry } from './session-processor';

/** A sink that appends to an in-process log (tombstones become empty values). */
export function localLogSink(log: RecordPublisher): ProcessorSink {
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

export interface LocalProcessorOptions {
  /** The subscriber group on the actions topic (a durable log resumes it after a restart). Default `session-processor`. */
  readonly group?: string;
  /** Called after each handled batch (the decision API's in-process view marks itself fresh there). */
  readonly onProcessed?: (now: number) => void;
  /**
   * Called once the processor has handled as many records as the log held for it when it was
   * attached (the replay after a restart is done; at once when there was nothing to replay).
   */
  readonly onReplayed?: () => void;
}

/**
 * All-in-one mode (`chainwatch start`): restores the latest checkpoint of every trace and every
 * approval the log holds, then feeds the actions topic to the processor from where its group
 * left off. Each batch's checkpoints are accepted by the log before the batch counts as handled,
 * so after a crash the restored state is at least as new as the position it resumes from;
 * events it holds already are duplicates (ignored by event_id). A batch that fails is delivered
 * again (at-least-once).
 */
export async function attachProcessorToLocalLog(log: LocalLog, processor: SessionProcessor, options: LocalProcessorOptions = {}): Promise<Subscription> {
  const entries: StateEntry[] = [];
  for (const [traceId, value] of await log.latest(processor.topics.sessionState)) {
    entries.push({ traceId, partition: 0, checkpoint: value === null ? null : value.toString('utf8') });
  }
  await processor.restore(entries);
  // Approvals answered before (the whole topic's latest states), then the ones answered from now on.
  for (const value of (await log.latest(processor.topics.approvals)).values()) {
    if (value !== null) await processor.applyApproval(value);
  }
  processor.init();
  const approvals = await log.subscribe(
    [processor.topics.approvals],
    async (records) => {
      for (const r of records) await processor.applyApproval(r.value);
    },
    { fromBeginning: false },
  );
  const group = options.group ?? 'session-processor';
  let toReplay = Number.POSITIVE_INFINITY;
  let handled = 0;
  const replayedIfDone = (): void => {
    if (handled < toReplay) return;
    toReplay = Number.NEGATIVE_INFINITY;
    options.onReplayed?.();
  };
  const sub = await log.subscribe(
    [processor.topics.actions],
    async (records) => {
      await processor.process(records);
      await processor.flush();
      // The engine now reflects everything up to this batch: a live view built on it is current.
      options.onProcessed?.(Date.now());
      handled += records.length;
      replayedIfDone();
    },
    { group, fromBeginning: true },
  );
  // What the log held for the processor when it started (records handled meanwhile count too).
  toReplay = Math.max(0, log.backlog(processor.topics.actions, group) + handled);
  replayedIfDone();
  return {
    close: async () => {
      await approvals.close();
      await sub.close();
      await processor.close();
    },
  };
}
