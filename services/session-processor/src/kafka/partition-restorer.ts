import type { Logger } from '@chainwatch/runtime';
import type { SessionProcessor, StateEntry } from '../session-processor';
import type { PartitionLedger } from './partition-ledger';

export interface PartitionRestorerParts {
  readonly processor: SessionProcessor;
  readonly ledger: PartitionLedger;
  /** Reads the latest checkpoint per trace of these partitions from the state topic (retried inside). */
  readonly read: (partitions: readonly number[]) => Promise<Map<string, StateEntry>>;
  readonly logger: Logger;
}

/**
 * Restores input partitions' session state from the compacted state topic before any of their
 * records is processed (state partition i belongs to input partition i). A restore starts on
 * every assignment, at once (kafkajs announces the assignment before it fetches); a batch of a
 * partition whose restore failed waits for a new attempt.
 */
export class PartitionRestorer {
  /** Resolves once the first assignment has been restored (the runner is consuming). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private inProgress: Promise<void> | null = null;

  constructor(private readonly parts: PartitionRestorerParts) {
    this.ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
  }

  /** A new assignment: restores the partitions not held yet (failures are retried by `ensure`). */
  assigned(partitions: readonly number[]): void {
    const restoring = this.restore(partitions);
    restoring.catch((err: unknown) => this.parts.logger.error({ err }, 'state restore failed; will retry before processing'));
    this.inProgress = restoring;
  }

  /** Resolves once `partition` is restored: waits for the restore in progress, or starts one. */
  async ensure(partition: number): Promise<void> {
    if (this.parts.ledger.isRestored(partition)) return;
    if (this.inProgress) await this.inProgress.catch(() => undefined);
    if (!this.parts.ledger.isRestored(partition)) {
      this.inProgress = this.restore([partition]);
      await this.inProgress;
    }
  }

  private async restore(partitions: readonly number[]): Promise<void> {
    const { processor, ledger, read, logger } = this.parts;
    const fresh = partitions.filter((p) => !ledger.isRestored(p));
    if (fresh.length > 0) {
      const traces = await processor.restore((await read(fresh)).values());
      ledger.markRestored(fresh);
      logger.info({ partitions: fresh, traces }, 'partitions restored');
    }
    this.markReady();
  }
}
