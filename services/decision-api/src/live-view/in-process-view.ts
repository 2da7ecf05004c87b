import type { DetectionEngine } from '@chainwatch/core';
import type { LiveView } from './live-view';

export interface InProcessViewOptions {
  /**
   * Optional probe: true when the in-process processor has handled everything published so far.
   * When given, the view counts as current whenever the probe says so (a quiet system is not stale).
   */
  readonly caughtUp?: () => boolean;
  /**
   * Optional probe: true once the processor has restored its state and replayed what the log held
   * at start. Until then the view is not ready and never current (decisions go by the fail modes),
   * whatever the probes above say.
   */
  readonly restored?: () => boolean;
}

/**
 * The all-in-one view (`chainwatch start`): the decision API reads the very engine the session
 * processor updates. The processor calls markFresh() after each batch it handles.
 */
export class InProcessView implements LiveView {
  private freshAt: number | null = null;

  constructor(
    readonly engine: DetectionEngine,
    private readonly options: InProcessViewOptions = {},
  ) {}

  /** The engine reflects every event processed up to `now`. */
  markFresh(now: number = Date.now()): void {
    if (this.freshAt === null || now > this.freshAt) this.freshAt = now;
  }

  ready(): boolean {
    if (this.options.restored && !this.options.restored()) return false;
    if (this.freshAt === null && this.options.caughtUp?.()) this.freshAt = Date.now();
    return this.freshAt !== null;
  }

  ageMs(now: number): number | null {
    if (this.options.restored && !this.options.restored()) return null;
    if (this.options.caughtUp?.()) {
      this.freshAt = now;
      return 0;
    }
    return this.freshAt === null ? null : Math.max(0, now - this.freshAt);
  }

  async close(): Promise<void> {}
}
