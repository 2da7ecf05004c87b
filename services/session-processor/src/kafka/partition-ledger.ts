/**
 * What the Kafka runner knows of its input partitions: which ones it holds with their state
 * restored into the engine, and for each the next offset to commit (last processed + 1), which a
 * commit point commits once the checkpoints covering it are written.
 */
export class PartitionLedger {
  private readonly restored = new Set<number>();
  /** partition → next offset to commit. */
  private readonly uncommitted = new Map<number, string>();

  isRestored(partition: number): boolean {
    return this.restored.has(partition);
  }

  markRestored(partitions: Iterable<number>): void {
    for (const p of partitions) this.restored.add(p);
  }

  /** Held partitions, sorted. */
  held(): number[] {
    return [...this.restored].sort((a, b) => a - b);
  }

  /**
   * A new assignment: forgets the partitions held but no longer assigned (their offsets are the
   * new owner's to commit; it replays them) and returns them.
   */
  keepOnly(assigned: readonly number[]): number[] {
    const revoked = [...this.restored].filter((p) => !assigned.includes(p));
    for (const p of revoked) {
      this.restored.delete(p);
      this.uncommitted.delete(p);
    }
    return revoked;
  }

  /** Records of `partition` up to `lastOffset` are processed and their outputs accepted. */
  processed(partition: number, lastOffset: string): void {
    this.uncommitted.set(partition, (BigInt(lastOffset) + 1n).toString());
  }

  get hasUncommitted(): boolean {
    return this.uncommitted.size > 0;
  }

  /** The offsets to commit now, as a snapshot: processing may go on while they are committed. */
  toCommit(): ReadonlyArray<readonly [number, string]> {
    return [...this.uncommitted];
  }

  /** The snapshot is committed: forgets what it covered, not what was processed since. */
  committed(snapshot: ReadonlyArray<readonly [number, string]>): void {
    for (const [partition, offset] of snapshot) if (this.uncommitted.get(partition) === offset) this.uncommitted.delete(partition);
  }
}
