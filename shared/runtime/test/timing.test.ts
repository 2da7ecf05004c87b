import { describe, expect, it } from 'vitest';
import { retry, retryAfterMs, retryDelay, retryPolicy, type RetryPolicy } from '../src/timing/retry-policy';
import { SerialQueue } from '../src/timing/serial-queue';
import { pollUntil } from '../src/timing/poll-until';
import { sleep } from '../src/timing/sleep';
import { isTimeout, settlesWithin, withTimeout } from '../src/timing/timeout';

const POLICY: RetryPolicy = { attempts: 4, initialMs: 100, factor: 2, maxMs: 350, jitter: 0 };
const noWait = async (): Promise<void> => undefined;

describe('retry policy', () => {
  it('backs off by the factor up to maxMs, jitter kept within its fraction and under maxMs', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(POLICY, n))).toEqual([100, 200, 350, 350]);
    const jittery = { ...POLICY, jitter: 0.2 };
    expect(retryDelay(jittery, 1, () => 0)).toBe(80);
    expect(retryDelay(jittery, 1, () => 1)).toBe(120);
    expect(retryDelay(jittery, 3, () => 1)).toBe(350);
    expect(retryDelay({ ...POLICY, attempts: Infinity }, 10_000)).toBe(350);
  });

  it('refuses a policy that makes no sense', () => {
    expect(() => retryPolicy(POLICY, { maxMs: 10 })).toThrow(/maxMs/);
    expect(() => retryPolicy(POLICY, { jitter: 2 })).toThrow();
    expect(retryPolicy(POLICY, { attempts: Infinity }).attempts).toBe(Infinity);
  });

  it('retries until an attempt succeeds, reporting each wait', async () => {
    const waits: number[] = [];
    const seen: number[] = [];
    const result = await retry(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Error(`fail ${n}`);
        return 'ok';
      },
      { policy: POLICY, wait: noWait, onRetry: (_err, failures, delay) => waits.push(failures * 1000 + delay) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(waits).toEqual([1100, 2200]);
  });

  it('throws the last failure once the attempts are used up, or at once when not retriable', async () => {
    let calls = 0;
    await expect(
      retry(async (n) => {
        calls++;
        throw new Error(`fail ${n}`);
      }, { policy: POLICY, wait: noWait }),
    ).rejects.toThrow('fail 4');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new Error('bad request');
      }, { policy: POLICY, wait: noWait, retriable: () => false }),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  it('waits what the failure asked for (Retry-After), never past maxMs', async () => {
    const waits: number[] = [];
    const asked = Object.assign(new Error('429'), { retryAfter: 60_000 });
    await retry(
      async (n) => {
        if (n === 1) throw asked;
        return n;
      },
      { policy: POLICY, wait: async (ms) => void waits.push(ms), delayOf: (err) => (err as { retryAfter?: number }).retryAfter },
    );
    expect(waits).toEqual([350]);
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('an abort cuts the wait short', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    let closed = false;
    controller.signal.addEventListener('abort', () => (closed = true));
    await expect(
      retry(async () => {
        throw new Error('down');
      }, { policy: { ...POLICY, attempts: Infinity, initialMs: 10_000, maxMs: 10_000 }, signal: controller.signal, retriable: () => !closed }),
    ).rejects.toThrow('down');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('timeouts', () => {
  it('withTimeout settles like the work, or rejects with a TimeoutError naming it', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 50)).rejects.toThrow('no');
    const late = withTimeout(new Promise(() => undefined), 20, 'final commit');
    await expect(late).rejects.toThrow('final commit: no answer within 20 ms');
    expect(isTimeout(await late.catch((e: unknown) => e))).toBe(true);
    const platform = AbortSignal.timeout(1);
    await sleep(30);
    expect(isTimeout(platform.reason)).toBe(true);
  });

  it('settlesWithin says whether the work settled in time, whatever its outcome', async () => {
    expect(await settlesWithin(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await settlesWithin(new Promise(() => undefined), 20)).toBe(false);
  });

  it('sleep ends early on abort, and at once when already aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 10);
    await sleep(10_000, controller.signal);
    await sleep(10_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('SerialQueue', () => {
  it('runs sections one at a time in order; a failure rejects only its own caller', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const section = (name: string, ms: number, fail = false) =>
      queue.run(async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const a = section('a', 20);
    const b = section('b', 1, true);
    const c = section('c', 1);
    await expect(b).rejects.toThrow('b');
    expect(await a).toBe('a');
    expect(await c).toBe('c');
    await queue.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('retry on a failed result', () => {
  it('retries a result that is a failure, and returns the last one once the attempts are used up', async () => {
    const answers = [503, 503, 200];
    const seen: number[] = [];
    const ok = await retry(async () => answers[seen.push(0) - 1] as number, { policy: POLICY, wait: noWait, failed: (status) => status >= 500 });
    expect(ok).toBe(200);
    expect(seen).toHaveLength(3);
    const last = await retry(async () => 503, { policy: POLICY, wait: noWait, failed: (status) => status >= 500 });
    expect(last).toBe(503);
  });

  it('hands the failed result to retriable, delayOf and onRetry', async () => {
    const waits: number[] = [];
    let n = 0;
    const result = await retry(async () => ({ status: n++ === 0 ? 429 : 200, retryAfterMs: 120 }), {
      policy: POLICY,
      failed: (r) => r.status === 429,
      delayOf: (f) => (f as { retryAfterMs: number }).retryAfterMs,
      wait: async (ms) => void waits.push(ms),
    });
    expect(result.status).toBe(200);
    expect(waits).toEqual([120]);
  });
});

describe('pollUntil', () => {
  it('is true once the condition holds, false when the time runs out; a throwing check does not hold', async () => {
    let n = 0;
    expect(await pollUntil(() => ++n >= 3, { intervalMs: 1, timeoutMs: 1000 })).toBe(true);
    expect(n).toBe(3);
    const started = performance.now();
    expect(await pollUntil(() => false, { intervalMs: 5, timeoutMs: 40 })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    let calls = 0;
    expect(
      await pollUntil(
        () => {
          if (++calls < 2) throw new Error('not yet');
          return true;
        },
        { intervalMs: 1, timeoutMs: 1000 },
      ),
    ).toBe(true);
  });
});
