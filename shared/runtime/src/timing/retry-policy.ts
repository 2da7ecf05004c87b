import { z } from 'zod';
import { sleep } from './sleep';

/**
 * How an operation is retried, as data: each service keeps its policies in its defaults object,
 * and every retry loop in the program runs through `retry()` with one of them.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included; `Infinity` retries until `retriable` says no. */
  readonly attempts: number;
  /** Wait after the first failure. */
  readonly initialMs: number;
  /** Each further wait is this many times the one before (1: a constant wait). */
  readonly factor: number;
  /** No wait is longer, a server's Retry-After included. */
  readonly maxMs: number;
  /** Randomness of each wait as a fraction: 0.2 waits between 80 % and 120 % of it (never past maxMs). */
  readonly jitter: number;
}

export const RetryPolicySchema = z
  .object({
    attempts: z.union([z.number().int().min(1), z.literal(Infinity)]),
    initialMs: z.number().int().min(0),
    factor: z.number().min(1),
    maxMs: z.number().int().min(0),
    jitter: z.number().min(0).max(1),
  })
  .refine((p) => p.maxMs >= p.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] });

/** A policy from a base and overrides (a service's defaults and a caller's options), validated. */
export function retryPolicy(base: RetryPolicy, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return RetryPolicySchema.parse({ ...base, ...overrides });
}

/** The wait after the `failures`-th failed attempt (1-based): backoff, then jitter, capped at maxMs. */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const backoff = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, failures - 1));
  const jittered = backoff * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxMs, Math.max(0, jittered)));
}

export interface RetryOptions<T = unknown> {
  readonly policy: RetryPolicy;
  /**
   * A result that is a failure too (an HTTP 503 answer): retried like a thrown error; once the
   * attempts are used up (or `retriable` says no) it is returned as it is.
   */
  readonly failed?: (value: T) => boolean;
  /**
   * Whether this failure (the thrown error, or the failed result) may be retried; default: every
   * one. Also how a caller ends the retries (stopping, closed).
   */
  readonly retriable?: (failure: unknown) => boolean;
  /** Called before each wait, with the failure, the failures so far and the wait: log or count here. */
  readonly onRetry?: (failure: unknown, failures: number, delayMs: number) => void;
  /** A wait the failure asked for (an HTTP Retry-After), used instead of the backoff; still at most maxMs. */
  readonly delayOf?: (failure: unknown) => number | undefined;
  /** Cuts a wait short (the next attempt runs at once; let `retriable` say no to end the retries). */
  readonly signal?: AbortSignal;
  /** How to wait (default `sleep`): e.g. in slices, heartbeating in between. */
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `attempt` (given its 1-based number) until it succeeds; after a failure, waits as the
 * policy says and tries again, unless the attempts are used up or `retriable` says no: then the
 * last failure is thrown (or, a failed result, returned) as it was.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const { policy } = options;
  for (let n = 1; ; n++) {
    let failure: { readonly thrown: boolean; readonly value: unknown };
    try {
      const value = await attempt(n);
      if (!options.failed?.(value)) return value;
      failure = { thrown: false, value };
    } catch (err) {
      failure = { thrown: true, value: err };
    }
    if (n >= policy.attempts || !(options.retriable?.(failure.value) ?? true)) {
      if (failure.thrown) throw failure.value;
      return failure.value as T;
    }
    const asked = options.delayOf?.(failure.value);
    const delay = asked !== undefined && asked >= 0 ? Math.min(asked, policy.maxMs) : retryDelay(policy, n);
    options.onRetry?.(failure.value, n, delay);
    await (options.wait ?? sleep)(delay, options.signal);
  }
}

/** Seconds of an HTTP Retry-After header (delta-seconds form) in milliseconds, or undefined. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
