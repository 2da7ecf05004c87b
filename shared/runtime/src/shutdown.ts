import type { Logger } from './logger';

export interface ShutdownOptions {
  /** Longest a graceful shutdown may take before the process exits anyway (default 8 s: under a 10 s kill grace). */
  readonly deadlineMs?: number;
  readonly logger?: Logger;
  /** How the process ends on a missed deadline or a second signal (default process.exit). */
  readonly exit?: (code: number) => void;
}

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 8000;

/**
 * Runs a graceful shutdown with a deadline: whatever state the service is in (a store refusing
 * every insert, a broker gone, a handler stuck), the process ends within `deadlineMs` of the
 * signal, with exit code 1 when the deadline, not the shutdown, ended it. A process that finished
 * its shutdown but is still held by a leftover handle (a client's timer) ends at the deadline
 * too, with its own exit code. A second SIGINT or SIGTERM meanwhile exits at once. Resolves when
 * `shutdown` finished in time.
 */
export async function shutdownWithin(shutdown: () => Promise<unknown>, options: ShutdownOptions = {}): Promise<void> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let finished = false;
  const timer = setTimeout(() => {
    if (finished) return exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    options.logger?.error({ deadline_ms: deadlineMs }, 'graceful shutdown did not finish in time; exiting');
    exit(1);
  }, deadlineMs);
  // The deadline never keeps a process alive that has nothing else to do.
  timer.unref();
  const again = (signal: string): void => {
    options.logger?.warn({ signal }, 'second signal during shutdown; exiting now');
    exit(1);
  };
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  try {
    await shutdown();
    finished = true;
  } finally {
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  }
}
