import { describe, expect, it } from 'vitest';
import { PartitionLedger } from '../src/kafka/partition-ledger';

describe('PartitionLedger', () => {
  it('commits what was processed up to a snapshot, keeping what was processed after it', () => {
    const ledger = new PartitionLedger();
    ledger.markRestored([0, 1]);
    ledger.processed(0, '9');
    ledger.processed(1, '4');
    const snapshot = ledger.toCommit();
    expect(snapshot).toEqual([
      [0, '10'],
      [1, '5'],
    ]);
    // Partition 0 moves on while the snapshot is committed.
    ledger.processed(0, '19');
    ledger.committed(snapshot);
    expect(ledger.toCommit()).toEqual([[0, '20']]);
    expect(ledger.hasUncommitted).toBe(true);
  });

  it('forgets a revoked partition and its offsets: the new owner commits and replays them', () => {
    const ledger = new PartitionLedger();
    ledger.markRestored([0, 1, 2]);
    ledger.processed(2, '7');
    expect(ledger.keepOnly([0, 1])).toEqual([2]);
    expect(ledger.isRestored(2)).toBe(false);
    expect(ledger.toCommit()).toEqual([]);
    expect(ledger.held()).toEqual([0, 1]);
  });
});
