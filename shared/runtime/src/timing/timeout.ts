/**
 * A TimeoutError as the platform makes it (AbortSignal.timeout, fetch): a DOMException named
 * `TimeoutError`, so one check (`isTimeout`) covers both.
 */
export function timeoutError(what: string, ms: number): DOMException {
  return new DOMException(`${what}: no answer within ${ms} ms`, 'TimeoutError');
}

/** True for a timeout from `withTimeout`, AbortSignal.timeout or fetch. */
export function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError';
}

/**
 * Settles like `work`, or rejects with a TimeoutError after `ms` (`what` names the operation in
 * its message). The timer never outlives the race; `work` itself is not cancelled (pass it an
 * AbortSignal for that).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError(what, ms)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Waits for `work` at most `ms`: true when it settled in time (fulfilled or rejected: its outcome
 * is the caller's to observe), false when the time ran out. For bounded waits at shutdown.
 */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return withTimeout(
    work.then(
      () => true,
      () => true,
    ),
    ms,
  ).catch(() => false);
}
