import type { Logger } from './logger';

/** How a service stopped on its own, without being asked to. */
export interface ServiceEnd {
  readonly reason: string;
  /** True when that is a failure (the process should exit non-zero so it is restarted). */
  readonly failed: boolean;
}

/**
 * What every service's run function resolves with (`services/<name>/src/service.ts`, each the
 * same shape: config → dependencies → run → close). The CLI prints `summary`, waits for SIGINT,
 * SIGTERM or `ended`, then calls `close()` within the shutdown deadline.
 */
export interface RunningService {
  /** One line for the terminal: what it reads, where it listens. */
  readonly summary: string;
  /** Settles when the service stopped on its own (never, for most). */
  readonly ended: Promise<ServiceEnd>;
  readonly logger: Logger;
  /** Graceful shutdown: stop taking work, finish or hand back what is in flight, release everything. */
  close(): Promise<void>;
}

/** `ended` of a service that only stops when asked. */
export const NEVER_ENDS: Promise<ServiceEnd> = new Promise<ServiceEnd>(() => undefined);
