import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Where the bench runs each process. With two or more cores and `taskset` (util-linux), the
 * server under test gets core 0 to itself and the load generator (and this process) core 1: a
 * server's req/s is then what one core gives it, and the generator never takes its CPU. With one
 * core, or without taskset, nothing is pinned: the generator shares the CPU with the server, so
 * the figures understate every target alike and are comparable only within the run; the bench says so.
 */
export interface CorePlan {
  readonly pinned: boolean;
  /** Core of the process under test (server, service, broker). */
  readonly serverCore: number;
  /** Core of the load generator and the bench itself. */
  readonly loadCore: number;
  readonly describe: string;
}

export function corePlan(): CorePlan {
  // The machine's cores, not this process's affinity: an earlier suite may have pinned it to one.
  const cores = cpus().length;
  let taskset = false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    taskset = true;
  } catch {
    taskset = false;
  }
  if (cores >= 2 && taskset) {
    return { pinned: true, serverCore: 0, loadCore: 1, describe: `pinned: server on core 0, load generator on core 1 (taskset; ${cores} cores)` };
  }
  const why = cores < 2 ? `${cores} core` : 'no taskset on PATH';
  return { pinned: false, serverCore: 0, loadCore: 0, describe: `NOT pinned (${why}): server and load generator share the CPU; compare targets within this run only` };
}

/** The command line that runs `argv` on `core` under the plan (unchanged when not pinned). */
export function onCore(plan: CorePlan, core: number, argv: readonly string[]): string[] {
  return plan.pinned ? ['taskset', '-c', String(core), ...argv] : [...argv];
}

/** Pins a running process (this one, a broker) to `core` when the plan pins. */
export function pinProcess(plan: CorePlan, pid: number, core: number): void {
  if (plan.pinned) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}
