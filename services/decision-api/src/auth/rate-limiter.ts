/**
 * Per-subject request quota: a fixed window per token subject, O(1) per request (one Map lookup,
 * no allocation once a subject is known), bounded in memory: past `maxSubjects`, the subject seen
 * first is forgotten (its next request starts a fresh window).
 */
export class SubjectRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly maxSubjects = 10_000,
  ) {}

  /** Counts one request of `subject`; 0 when it is within the quota, else ms until the window resets. */
  take(subject: string, now: number): number {
    let w = this.windows.get(subject);
    if (w === undefined) {
      if (this.windows.size >= this.maxSubjects) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = { start: now, count: 0 };
      this.windows.set(subject, w);
    } else if (now - w.start >= this.windowMs) {
      w.start = now;
      w.count = 0;
    }
    w.count++;
    return w.count > this.max ? Math.max(1, w.start + this.windowMs - now) : 0;
  }

  get subjects(): number {
    return this.windows.size;
  }
}
