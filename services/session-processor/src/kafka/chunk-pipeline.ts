import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { SerialQueue } from '@chainwatch/runtime';
import type { InputRecord } from '../event-decoder';
import type { ProcessStats, SessionProcessor } from '../session-processor';
import type { CommitPoint } from './commit-point';
import type { PartitionLedger } from './partition-ledger';
import type { PartitionRestorer } from './partition-restorer';

/** One processed chunk, as reported to `onChunk`. */
export interface ChunkReport extends ProcessStats {
  readonly partition: number;
  /** Input records in the chunk (processed + duplicates + invalid). */
  readonly records: number;
  /** performance.now() when the chunk was handed to the processor, and when its outputs were accepted. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface ChunkPipelineParts {
  readonly processor: SessionProcessor;
  readonly ledger: PartitionLedger;
  readonly restorer: PartitionRestorer;
  readonly commits: CommitPoint;
  readonly queue: SerialQueue;
  /** Records per engine pass and output flush. */
  readonly chunkSize: number;
  /** True once the runner is stopping: no new chunk starts, stop() writes the final commit. */
  readonly stopping: () => boolean;
  readonly onChunk?: (chunk: ChunkReport) => void;
}

/** A chunk handed to the processor, its outputs possibly still being produced. */
interface InFlight {
  readonly partition: number;
  readonly lastOffset: string;
  readonly records: number;
  readonly startedAt: number;
  readonly delivered: Promise<ProcessStats>;
}

/**
 * The kafkajs batch handler: a fetched batch, cut into chunks, goes through the processor with
 * two chunks in flight (the engine works on the next chunk while the broker acknowledges the
 * outputs of the previous one). Offsets are resolved strictly in order, each only once its
 * chunk's outputs were accepted, and committed by the next commit point that is due.
 */
export class ChunkPipeline {
  constructor(private readonly parts: ChunkPipelineParts) {}

  readonly eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    const { processor, restorer, chunkSize, stopping } = this.parts;
    if (stopping()) return;
    await restorer.ensure(batch.partition);
    const inFlight: InFlight[] = [];
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (stopping() || !isRunning() || isStale()) break;
        const chunk = batch.messages.slice(i, i + chunkSize);
        inFlight.push({
          partition: batch.partition,
          lastOffset: (chunk[chunk.length - 1] as KafkaMessage).offset,
          records: chunk.length,
          startedAt: performance.now(),
          delivered: processor.process(chunk.map((m) => inputRecord(batch.topic, batch.partition, m))),
        });
        if (inFlight.length >= 2) {
          await this.settle(inFlight.shift() as InFlight, resolveOffset);
          await heartbeat();
        }
      }
      while (inFlight.length > 0) await this.settle(inFlight.shift() as InFlight, resolveOffset);
      await heartbeat();
    } finally {
      // On an error, the chunks still in flight are not resolved (replayed by the next owner).
      for (const chunk of inFlight) chunk.delivered.catch(() => undefined);
    }
  };

  /** Once a chunk's outputs are accepted: resolve its offsets, and commit when the interval is due. */
  private async settle(chunk: InFlight, resolveOffset: (offset: string) => void): Promise<void> {
    const { ledger, commits, queue, stopping, onChunk } = this.parts;
    await queue.run(async () => {
      const stats = await chunk.delivered;
      // Revoked meanwhile (rebalance): its offsets are the new owner's to commit; it replays them.
      if (!ledger.isRestored(chunk.partition)) return;
      onChunk?.({ ...stats, partition: chunk.partition, records: chunk.records, startedAt: chunk.startedAt, finishedAt: performance.now() });
      resolveOffset(chunk.lastOffset);
      ledger.processed(chunk.partition, chunk.lastOffset);
      // While stopping, stop() writes the final checkpoint and commit.
      if (!stopping() && commits.due) await commits.commit();
    });
  }
}

function inputRecord(topic: string, partition: number, m: KafkaMessage): InputRecord {
  return { topic, partition, offset: m.offset, key: m.key ? m.key.toString('utf8') : null, value: m.value };
}
