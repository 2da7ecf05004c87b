import type { MemoryLog, Subscription } from '@chainwatch/kafka';
import { randomUUID } from 'node:crypto';
import type { TraceWriter } from './trace-writer';
import { WRITER_TOPICS } from './topic-tables';

/**
 * `chainwatch start`: feed the in-process log to the writer. Each delivered batch is handed to
 * writeBatch, which retries until ClickHouse takes it, so the log's own redelivery (which may
 * regroup records) only happens after the writer was stopped. The log's offsets restart at 0
 * with the process, so deduplication tokens are scoped to this attachment (a random id).
 */
export function attachToMemoryLog(
  memoryLog: MemoryLog,
  writer: TraceWriter,
  options: { topics?: readonly string[]; closeGraceMs?: number } = {},
): Subscription {
  const topics = options.topics ?? WRITER_TOPICS;
  const control = { tokenScope: `memory-${randomUUID()}` };
  const subscription = memoryLog.subscribe(
    topics,
    async (records) => {
      await writer.writeBatch(records, control);
    },
    { fromBeginning: true },
  );
  return {
    /** Lets the batch in flight finish; after closeGraceMs (default 5 s) stops the writer's retries. */
    close: async () => {
      const timer = setTimeout(() => writer.stop(), options.closeGraceMs ?? 5000);
      try {
        await subscription.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
