import { retry, type RetryPolicy } from './retry-policy';
import { sleep } from './sleep';

export interface PollOptions {
  /** Gives up after this long (default: never, until `signal` aborts). */
  readonly timeoutMs?: number;
  /** Between checks (default 25 ms); `backoff` replaces it with a growing interval. */
  readonly intervalMs?: number;
  readonly backoff?: Omit<RetryPolicy, 'attempts'>;
  /** Ends the polling (the result is then false). */
  readonly signal?: AbortSignal;
}

/**
 * Checks `condition` until it holds: true once it does, false when the time ran out or the
 * signal aborted. A check that throws counts as not holding (the last error is the caller's to
 * keep, if it wants to report it). One retry loop under it: the wait between checks is a retry
 * policy's.
 */
export async function pollUntil(condition: () => boolean | Promise<boolean>, options: PollOptions = {}): Promise<boolean> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 25;
  const policy: RetryPolicy = { attempts: Infinity, ...(options.backoff ?? { initialMs: interval, factor: 1, maxMs: interval, jitter: 0 }) };
  const open = (): boolean => Date.now() < deadline && !options.signal?.aborted;
  return retry(async () => (await condition()) === true, {
    policy,
    failed: (held) => !held,
    retriable: open,
    // Never sleeps past the deadline: the last check runs at it.
    wait: (ms, signal) => sleep(Math.min(ms, Math.max(0, deadline - Date.now())), signal),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch(() => false);
}
