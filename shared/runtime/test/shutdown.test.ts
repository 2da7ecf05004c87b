import { describe, expect, it } from 'vitest';
import { shutdownWithin } from '../src/shutdown';

describe('shutdownWithin', () => {
  it('resolves when the shutdown finishes in time, without exiting', async () => {
    const exits: number[] = [];
    await shutdownWithin(async () => new Promise((r) => setTimeout(r, 20)), { deadlineMs: 200, exit: (c) => exits.push(c) });
    // A process that lingers after a finished shutdown ends at the deadline with its own code.
    await new Promise((r) => setTimeout(r, 300));
    expect(exits).toEqual([0]);
  });

  it('exits with 1 at the deadline when the shutdown hangs', async () => {
    const exits: number[] = [];
    const never = new Promise<void>(() => undefined);
    void shutdownWithin(() => never, { deadlineMs: 100, exit: (c) => exits.push(c) });
    await new Promise((r) => setTimeout(r, 250));
    expect(exits).toEqual([1]);
  });

  it('a second signal during the shutdown exits at once', async () => {
    const exits: number[] = [];
    const never = new Promise<void>(() => undefined);
    void shutdownWithin(() => never, { deadlineMs: 10_000, exit: (c) => exits.push(c) });
    process.emit('SIGTERM');
    expect(exits).toEqual([1]);
  });
});
