import type { LocalLog, MemoryLog, Subscription } from '@chainwatch/kafka';
import { randomUUID } from 'node:crypto';
import { settlesWithin } from '@chainwatch/runtime';
import type { TraceWriter } from './trace-writer';
import { WRITER_TOPICS } from './topic-tables';

export interface LocalTraceWriterOptions {
  readonly topics?: readonly string[];
  /** The subscriber group (a durable log resumes it after a restart). Default `trace-writer`. */
  readonly group?: string;
  /**
   * Scope of the deduplication tokens: unique per log whose offsets could repeat (the durable
   * ClickHouseLog passes its id; offsets there never restart).
   */
  readonly tokenScope: string;
  /** Records per delivered batch (default 10,000: fewer, larger inserts and parts). */
  readonly maxRecords?: number;
  /** close() lets the batch in flight finish for this long (default 5 s), then stops the writer's retries. */
  readonly closeGraceMs?: number;
}

/**
 * `chainwatch start`: feed the in-process log to the writer. Each stored chunk commits the
 * group's position of its topic (like the Kafka runner commits offsets per chunk), so a crash
 * resumes at a chunk boundary and the recorded intents cut the redelivery the same way: the same
 * deduplication tokens, no duplicate rows.
 */
export async function attachToLocalLog(log: LocalLog, writer: TraceWriter, options: LocalTraceWriterOptions): Promise<Subscription> {
  const subscription = await log.subscribe(
    options.topics ?? WRITER_TOPICS,
    async (records, context) => {
      await writer.writeBatch(records, { tokenScope: options.tokenScope, onChunkStored: (last) => context.commit(last) });
    },
    { group: options.group ?? 'trace-writer', fromBeginning: true, maxRecords: options.maxRecords ?? 10_000 },
  );
  return closingWithGrace(subscription, writer, options.closeGraceMs);
}

/**
 * Tests and tools over the in-memory log: offsets restart at 0 with the process, so tokens are
 * scoped to this attachment (a random id).
 */
export function attachToMemoryLog(memoryLog: MemoryLog, writer: TraceWriter, options: { topics?: readonly string[]; closeGraceMs?: number } = {}): Subscription {
  const control = { tokenScope: `memory-${randomUUID()}` };
  const subscription = memoryLog.subscribe(
    options.topics ?? WRITER_TOPICS,
    async (records) => {
      await writer.writeBatch(records, control);
    },
    { fromBeginning: true },
  );
  return closingWithGrace(subscription, writer, options.closeGraceMs);
}

/** close() lets the batch in flight finish; after `graceMs` (default 5 s) stops the writer's retries. */
function closingWithGrace(subscription: Subscription, writer: TraceWriter, graceMs = 5000): Subscription {
  return {
    close: async () => {
      const closing = subscription.close();
      if (!(await settlesWithin(closing, graceMs))) writer.stop();
      await closing;
    },
  };
}
