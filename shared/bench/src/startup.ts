/**
 * Start-up benchmark: each service as the image runs it (the built CLI, `node
 * services/cli/dist/main.js <service>`) against the same service run from the TypeScript sources
 * through tsx (`npm run chainwatch -- <service>`, tsx's compile cache warm): time from spawn to
 * `/readyz` 200, and RSS then. `start` on a fresh data directory (embedded engine); the three
 * standalone services against a broker of the bench's own, with fresh topics, group and keys.
 * The service is pinned to one core, the broker to the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningKey } from '@chainwatch/decision-api';
import { startBenchBroker, type BenchBroker } from './bench-broker';
import { freePort } from './decision-targets/targets';
import { corePlan, onCore, pinProcess, type CorePlan } from './pinning';
import { processRssMb } from './proc-stats';
import { CLI_SOURCE_MAIN, REPO_ROOT, SOURCE_NODE_ARGS } from './repo-paths';
import { pollUntil } from '@chainwatch/runtime';

export const STARTUP_SERVICES = ['start', 'decision-api', 'processor', 'trace-writer'] as const;
type Service = (typeof STARTUP_SERVICES)[number];

export interface StartupFigures {
  readonly ready_ms: number;
  readonly rss_mb: number;
}

export interface StartupBenchResult {
  /** `<service>.built` and `<service>.tsx`: median start-up time to ready and RSS then. */
  readonly services: Record<string, { readonly built: StartupFigures; readonly tsx: StartupFigures }>;
  readonly load_start: number;
  readonly load_end: number;
}

export interface StartupBenchOptions {
  /** Starts per service and runtime (default 3; medians reported). */
  readonly runs?: number;
  readonly services?: readonly Service[];
  readonly log?: (line: string) => void;
}

const BUILT_MAIN = join(REPO_ROOT, 'services', 'cli', 'dist', 'main.js');

async function readyz(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** One start: spawn, poll /readyz every 10 ms, RSS at the first 200. */
async function startOnce(plan: CorePlan, runtime: 'built' | 'tsx', service: Service, env: Record<string, string>, port: number): Promise<StartupFigures> {
  const node = runtime === 'built' ? [process.execPath, BUILT_MAIN] : [process.execPath, ...SOURCE_NODE_ARGS, CLI_SOURCE_MAIN];
  const args = service === 'start' ? ['start', '--port', String(port)] : [service];
  const [cmd, ...rest] = onCore(plan, plan.serverCore, [...node, ...args]);
  const t0 = performance.now();
  const child = spawn(cmd as string, rest, { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  try {
    let readyMs = 0;
    const ready = await pollUntil(
      async () => {
        if (child.exitCode !== null) return true;
        if (!(await readyz(port))) return false;
        readyMs = Math.round(performance.now() - t0);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 10 },
    );
    if (child.exitCode !== null) throw new Error(`${service} (${runtime}) exited with ${child.exitCode}: ${stderr}`);
    if (!ready) throw new Error(`${service} (${runtime}) not ready within 120 s: ${stderr}`);
    return { ready_ms: readyMs, rss_mb: Math.round(processRssMb(child.pid as number) * 10) / 10 };
  } finally {
    await stop(child);
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export async function runStartupBench(opts: StartupBenchOptions = {}): Promise<StartupBenchResult> {
  const log = opts.log ?? (() => undefined);
  const runs = Math.max(1, opts.runs ?? 3);
  const services = opts.services ?? STARTUP_SERVICES;
  const loadStart = loadavg()[0] ?? 0;
  const plan = corePlan();
  pinProcess(plan, process.pid, plan.loadCore);
  const scratch = mkdtempSync(join(tmpdir(), 'chainwatch-bench-startup-'));
  let broker: BenchBroker | null = null;
  try {
    const needsBroker = services.some((s) => s !== 'start');
    if (needsBroker) broker = await startBenchBroker(plan, plan.loadCore);
    const keysDir = join(scratch, 'keys');
    await createSigningKey(keysDir, { issuer: 'chainwatch', audience: 'chainwatch-decision-api' });
    log(`startup: ${plan.pinned ? `services on core ${plan.serverCore}, broker and this process on core ${plan.loadCore}` : plan.describe}; ${runs} starts each, medians; load average ${loadStart.toFixed(2)}`);
    const result: Record<string, { built: StartupFigures; tsx: StartupFigures }> = {};
    let n = 0;
    const envFor = (service: Service, port: number): Record<string, string> => {
      const id = `bench-startup-${process.pid}-${++n}`;
      const kafka = { KAFKA_BROKERS: broker?.brokers.join(',') ?? '' };
      switch (service) {
        case 'start':
          return { CHAINWATCH_DATA_DIR: join(scratch, id) };
        case 'decision-api':
          return { ...kafka, DECISION_API_PORT: String(port), JWT_JWKS_FILE: join(keysDir, 'jwks.json'), JWT_ISSUER: 'chainwatch', JWT_AUDIENCE: 'chainwatch-decision-api' };
        case 'processor':
          return { ...kafka, PROCESSOR_METRICS_PORT: String(port), PROCESSOR_GROUP_ID: id };
        case 'trace-writer':
          return { ...kafka, TRACE_WRITER_METRICS_PORT: String(port), CHAINWATCH_DATA_DIR: join(scratch, id) };
      }
    };
    for (const service of services) {
      const samples: Record<'built' | 'tsx', StartupFigures[]> = { built: [], tsx: [] };
      // One unmeasured start of each first: tsx's compile cache, the page cache, the broker's topics.
      for (const runtime of ['built', 'tsx'] as const) {
        const port = await freePort();
        await startOnce(plan, runtime, service, envFor(service, port), port);
      }
      for (let r = 0; r < runs; r++) {
        for (const runtime of ['built', 'tsx'] as const) {
          const port = await freePort();
          samples[runtime].push(await startOnce(plan, runtime, service, envFor(service, port), port));
        }
      }
      const pick = (s: readonly StartupFigures[]): StartupFigures => ({ ready_ms: median(s.map((x) => x.ready_ms)), rss_mb: median(s.map((x) => x.rss_mb)) });
      result[service] = { built: pick(samples.built), tsx: pick(samples.tsx) };
      const b = result[service].built;
      const t = result[service].tsx;
      log(`startup ${service.padEnd(13)} built: ready in ${b.ready_ms} ms, RSS ${b.rss_mb} MiB   tsx: ready in ${t.ready_ms} ms, RSS ${t.rss_mb} MiB`);
    }
    const loadEnd = loadavg()[0] ?? 0;
    return { services: result, load_start: Math.round(loadStart * 100) / 100, load_end: Math.round(loadEnd * 100) / 100 };
  } finally {
    await broker?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
