import type { DetectionEngine } from '@chainwatch/core';

/**
 * The decision API's view of session risk: a detection engine holding the latest state of every
 * session, and how fresh that state is known to be.
 */
export interface LiveView {
  readonly engine: DetectionEngine;
  /** Caught up with the stream at least once (what /readyz reports). */
  ready(): boolean;
  /**
   * Milliseconds since the view was last confirmed current with its source, or null when it never
   * was. The decision path treats a null or an age above the staleness threshold as stale.
   */
  ageMs(now: number): number | null;
  close(): Promise<void>;
}
