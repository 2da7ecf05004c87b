/**
 * Waits `ms`; resolves early when `signal` aborts (never rejects). `unref`: the wait does not keep
 * the process alive (a background retry must not hold up exit).
 */
export function sleep(ms: number, signal?: AbortSignal, options: { unref?: boolean } = {}): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    if (options.unref) timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}
