import { describe, expect, it } from 'vitest';
import { MemoryLog } from '../src/memory-log';
import type { LogRecord } from '../src/record-log';

describe('MemoryLog', () => {
  it('delivers published records in order with increasing offsets', async () => {
    const log = new MemoryLog();
    const seen: LogRecord[] = [];
    log.subscribe(['a'], async (batch) => {
      seen.push(...batch);
    });
    await log.publish('a', [{ key: 'k1', value: '1' }, { key: 'k2', value: '2' }]);
    await log.publish('b', [{ key: null, value: 'other topic' }]);
    await log.publish('a', [{ key: 'k3', value: Buffer.from('3') }]);
    await log.idle();
    expect(seen.map((r) => [r.key, r.value.toString(), r.offset])).toEqual([
      ['k1', '1', '0'],
      ['k2', '2', '1'],
      ['k3', '3', '2'],
    ]);
  });

  it('redelivers a batch whose handler failed (at-least-once)', async () => {
    const log = new MemoryLog({ retryMs: 5 });
    let calls = 0;
    const delivered: string[] = [];
    log.subscribe(['t'], async (batch) => {
      calls++;
      if (calls === 1) throw new Error('store down');
      delivered.push(...batch.map((r) => r.value.toString()));
    });
    await log.publish('t', [{ key: null, value: 'x' }]);
    expect(log.pending('t')).toBe(1);
    await log.idle();
    expect(log.pending('t')).toBe(0);
    expect(calls).toBe(2);
    expect(delivered).toEqual(['x']);
  });

  it('replays retained records to a subscriber fromBeginning', async () => {
    const log = new MemoryLog({ retain: 2 });
    await log.publish('t', [{ key: null, value: '1' }, { key: null, value: '2' }, { key: null, value: '3' }]);
    const got: string[] = [];
    log.subscribe(['t'], async (batch) => void got.push(...batch.map((r) => r.value.toString())), { fromBeginning: true });
    await log.idle();
    expect(got).toEqual(['2', '3']);
  });
});
