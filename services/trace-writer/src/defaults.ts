import type { RetryPolicy } from '@chainwatch/runtime';

/** Every default of the trace writer and its service in one place (pino-style `defaultOptions`). */
export const TRACE_WRITER_DEFAULTS = {
  groupId: 'chainwatch-trace-writer',
  clientId: 'chainwatch-trace-writer',
  /** Rows per insert at most; chunks are aligned on offsets, so a redelivered range yields the same tokens. */
  maxRows: 10_000,
  /** How long the broker may hold a fetch to fill a batch, so quiet topics still flush. */
  maxWaitMs: 1000,
  /**
   * Inserts, reads and DLQ publishes while the store (or the DLQ) is unavailable: until they
   * succeed or the writer stops. `chainwatch trace-writer` caps the wait at `serviceRetryMaxMs`
   * (TRACE_WRITER_RETRY_MAX_MS) instead, to log less while a ClickHouse server is down.
   */
  retry: { attempts: Infinity, initialMs: 200, factor: 2, maxMs: 10_000, jitter: 0.2 } satisfies RetryPolicy,
  serviceRetryMaxMs: 30_000,
  /** /readyz answers 503 once a batch has waited this long without anything stored. */
  stallMs: 60_000,
  /** Largest DLQ message value; keep it under the broker's message.max.bytes (1,048,588 by default). */
  dlqMaxBytes: 1_000_000,
  /** Attempts at storing one row the store refuses before it goes to the DLQ. */
  rowAttempts: 3,
  /** /healthz, /readyz and /metrics of `chainwatch trace-writer`. */
  metricsPort: 9464,
} as const;
