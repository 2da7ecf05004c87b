import type { Consumer } from 'kafkajs';
import type { Logger, SerialQueue } from '@chainwatch/runtime';
import type { SessionProcessor } from '../session-processor';
import type { PartitionLedger } from './partition-ledger';

export interface CommitPointParts {
  readonly processor: SessionProcessor;
  readonly ledger: PartitionLedger;
  readonly consumer: Pick<Consumer, 'commitOffsets'>;
  /** The input topic whose offsets are committed. */
  readonly topic: string;
  /** The runner's serial queue: commits never interleave with a chunk being settled. */
  readonly queue: SerialQueue;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/**
 * Kafka Streams' commit: the checkpoints of every trace changed since the last one first
 * (`processor.flush`), then the input offsets they cover. Due every `intervalMs`: after a chunk,
 * from a timer when the input goes quiet, and once more when the runner stops.
 */
export class CommitPoint {
  private last = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly parts: CommitPointParts) {}

  get due(): boolean {
    return Date.now() - this.last >= this.parts.intervalMs;
  }

  /** Commits now; call it on the serial queue. */
  async commit(): Promise<void> {
    const { processor, ledger, consumer, topic } = this.parts;
    const snapshot = ledger.toCommit();
    await processor.flush();
    this.last = Date.now();
    if (snapshot.length === 0) return;
    await consumer.commitOffsets(snapshot.map(([partition, offset]) => ({ topic, partition, offset })));
    ledger.committed(snapshot);
  }

  /** Commits the last stretch when the input goes quiet (a chunk would otherwise trigger it). */
  startTimer(): void {
    const { processor, ledger, queue, intervalMs, logger } = this.parts;
    this.timer = setInterval(() => {
      if (!this.due || (!ledger.hasUncommitted && processor.pendingCheckpoints === 0)) return;
      queue.run(() => this.commit()).catch((err: unknown) => logger.warn({ err }, 'commit failed; will retry'));
    }, Math.max(50, Math.floor(intervalMs / 2)));
    this.timer.unref();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
