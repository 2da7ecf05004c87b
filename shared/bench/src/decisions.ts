/**
 * Decision benchmark: is Chainwatch's decision as cheap as the policy server one would otherwise
 * put in the request path? In one run:
 *
 *  1. in-process `assess()` on a warmed session with the shipped policy and full rule set:
 *     throughput and p50/p99 per call;
 *  2. four servers, each in a process of its own pinned to the server core (pinning.ts), the
 *     load generator (load/http-load.ts) in another pinned to the other core:
 *     - `bare`: a fastify route answering the decision API's exact answer bytes;
 *     - `chainwatch`: the real decision API (JWT, rate limit, validation, session state, decision
 *       log, metrics; decision-server.ts), built code unless the bench itself runs from sources;
 *     - `opa`: Open Policy Agent serving the same rules in Rego (scenario.ts);
 *     - `cerbos`: Cerbos serving them as a resource policy with a CEL condition;
 *     all asked the same question (a deny for three reasons), checked once before measuring.
 *  3. each server is saturated for `warmupS` (a minute by default: the heap reaches its steady
 *     state), then `rounds` rounds interleave the targets: a saturation slice of `roundS` at
 *     `connections` connections (req/s, p50/p99, server CPU per request from /proc), then a slice
 *     at a fixed rate paced evenly (p50/p99 from the scheduled send time). Medians over rounds.
 *     RSS is read at the end.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import type { DecisionRequest } from '@chainwatch/schemas';
import { ensureCerbos, ensureOpa } from './bench-tools';
import { DECISION_REQUEST, warmSession } from './decision-targets/scenario';
import { startBare, startCerbos, startChainwatch, startOpa, type Target } from './decision-targets/targets';
import type { LoadResult, LoadSpec } from './load/http-load';
import { corePlan, onCore, pinProcess, type CorePlan } from './pinning';
import { processCpuUs, processRssMb } from './proc-stats';
import { benchScript, currentRuntime } from './repo-paths';

export const DECISION_TARGETS = ['bare', 'chainwatch', 'opa', 'cerbos'] as const;
export type DecisionTargetName = (typeof DECISION_TARGETS)[number];

export interface TargetFigures {
  readonly rps: number;
  readonly cpu_us_per_req: number;
  /** Share of its core the server used at saturation (rps × CPU per request): below 1, something else ran on that core. */
  readonly core_share: number;
  /** What one core to itself would serve: 1 s of CPU over the CPU per request (robust to other load on the core). */
  readonly rps_per_core: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly p50_fixed_rate_ms: number;
  readonly p99_fixed_rate_ms: number;
  readonly rss_mb: number;
}

export interface DecisionsBenchResult {
  readonly targets: Partial<Record<DecisionTargetName, TargetFigures>>;
  /** Chainwatch req/s over the other target's, same run; null when that target did not run. */
  readonly ratio_vs_bare: number | null;
  readonly ratio_vs_opa: number | null;
  readonly ratio_vs_cerbos: number | null;
  /** The same ratios from CPU per request (req/s per core): what the ratios are when no other process shares the server's core. */
  readonly cpu_ratio_vs_bare: number | null;
  readonly cpu_ratio_vs_opa: number | null;
  readonly cpu_ratio_vs_cerbos: number | null;
  readonly assess_p50_us: number;
  readonly assess_p99_us: number;
  readonly assess_per_s: number;
  readonly pinned: boolean;
  readonly fixed_rate: number;
  readonly connections: number;
  /** 1-minute load average at the start and at the end of the run. */
  readonly load_start: number;
  readonly load_end: number;
  /** Targets that did not run, and why. */
  readonly skipped: Readonly<Record<string, string>>;
}

export interface DecisionsBenchOptions {
  /** Saturation per target before anything is measured (default 60 s). */
  readonly warmupS?: number;
  /** Length of each measured slice, saturated and paced (default 10 s). */
  readonly roundS?: number;
  /** Interleaved rounds (default 3). */
  readonly rounds?: number;
  /** Connections at saturation (default 50). */
  readonly connections?: number;
  /** Requests per second of the paced slices (default 2,000). */
  readonly fixedRate?: number;
  /** assess() calls in the in-process phase (default 100,000). */
  readonly assessCalls?: number;
  /** Which targets (default all four; chainwatch always runs). */
  readonly targets?: readonly DecisionTargetName[];
  /** Run the servers from built code or from sources (default: as this process runs). */
  readonly runtime?: 'built' | 'sources';
  readonly log?: (line: string) => void;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function assessPhase(engine: DetectionEngine, request: DecisionRequest, calls: number): { p50: number; p99: number; perS: number } {
  for (let i = 0; i < 5000; i++) engine.assess(request, Date.now());
  const samples = new Float64Array(calls);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    engine.assess(request, Date.now());
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), perS: calls / totalS };
}

/** One load run in the generator's own process, on the load core. */
function generate(plan: CorePlan, runtime: 'built' | 'sources', spec: LoadSpec): Promise<LoadResult> {
  const [cmd, ...args] = onCore(plan, plan.loadCore, [process.execPath, ...benchScript('load-generator', runtime), JSON.stringify(spec)]);
  return new Promise((resolve, reject) => {
    execFile(cmd as string, args, { timeout: spec.durationMs + 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`load generator failed: ${stderr || err.message}`));
      try {
        resolve(JSON.parse(stdout) as LoadResult);
      } catch {
        reject(new Error(`load generator printed no result: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

interface Samples {
  rps: number[];
  cpu: number[];
  p50: number[];
  p99: number[];
  fixedP50: number[];
  fixedP99: number[];
}

export async function runDecisionsBench(opts: DecisionsBenchOptions = {}): Promise<DecisionsBenchResult> {
  const log = opts.log ?? (() => undefined);
  const warmupMs = (opts.warmupS ?? 60) * 1000;
  const roundMs = (opts.roundS ?? 10) * 1000;
  const rounds = Math.max(1, opts.rounds ?? 3);
  const connections = opts.connections ?? 50;
  const fixedRate = opts.fixedRate ?? 2000;
  const runtime = opts.runtime ?? currentRuntime();
  const wanted = new Set<DecisionTargetName>([...(opts.targets ?? DECISION_TARGETS), 'chainwatch']);
  const loadStart = loadavg()[0] ?? 0;

  const plan = corePlan();
  pinProcess(plan, process.pid, plan.loadCore);
  log(`decisions: ${plan.describe}; servers run ${runtime} code; load average ${loadStart.toFixed(2)}`);

  const { catalog, policy, rules } = loadDefaultPolicy();
  const engine = createDetectionEngine({ catalog, policy, rules });
  warmSession(engine);
  const probe = engine.assess(DECISION_REQUEST, Date.now());
  log(`decisions: the warmed session's answer in process: ${probe.decision} (score ${probe.score}, ${probe.reasons.length} reasons), policy ${engine.policyVersion}`);
  const assess = assessPhase(engine, DECISION_REQUEST, opts.assessCalls ?? 100_000);
  log(`assess (in-process, full rule set): ${Math.round(assess.perS).toLocaleString('en')}/s  p50 ${assess.p50.toFixed(1)} µs  p99 ${assess.p99.toFixed(1)} µs`);

  const skipped: Record<string, string> = {};
  const targets: Target[] = [];
  try {
    const chainwatch = await startChainwatch(plan, runtime, DECISION_REQUEST);
    targets.push(chainwatch);
    const answer = await chainwatch.probe();
    log(`decisions: chainwatch answers ${answer.decision} (${Buffer.byteLength(answer.body)} bytes)`);
    if (wanted.has('bare')) targets.unshift(await startBare(plan, runtime, DECISION_REQUEST, answer.body));
    if (wanted.has('opa')) {
      const opa = ensureOpa(log);
      if ('skipped' in opa) skipped.opa = opa.skipped;
      else targets.push(await startOpa(plan, opa.path, DECISION_REQUEST));
    }
    if (wanted.has('cerbos')) {
      const cerbos = ensureCerbos(log);
      if ('skipped' in cerbos) skipped.cerbos = cerbos.skipped;
      else targets.push(await startCerbos(plan, cerbos.path, DECISION_REQUEST));
    }
    for (const reason of Object.values(skipped)) log(`decisions: ${reason}`);
    for (const t of targets) {
      const { decision } = await t.probe();
      if (decision !== answer.decision) throw new Error(`${t.name} answers ${decision}, chainwatch ${answer.decision}: the targets are not asked the same question`);
    }
    log(`decisions: ${targets.map((t) => t.name).join(', ')} all answer ${answer.decision}`);

    const saturate = (t: Target, durationMs: number, record: boolean): LoadSpec => ({ host: '127.0.0.1', port: t.port, request: t.request, mode: 'saturate', connections, durationMs, record });
    if (warmupMs > 0) {
      for (const t of targets) {
        const w = await generate(plan, runtime, saturate(t, warmupMs, false));
        log(`warm-up ${t.name}: ${Math.round(w.requests / (w.durationMs / 1000)).toLocaleString('en')} req/s for ${(w.durationMs / 1000).toFixed(0)} s${w.errors > 0 ? `, ${w.errors} errors` : ''}`);
      }
    }

    const samples = new Map<string, Samples>(targets.map((t) => [t.name, { rps: [], cpu: [], p50: [], p99: [], fixedP50: [], fixedP99: [] }]));
    for (let r = 1; r <= rounds; r++) {
      for (const t of targets) {
        const s = samples.get(t.name) as Samples;
        const cpu0 = processCpuUs(t.pid);
        const res = await generate(plan, runtime, saturate(t, roundMs, true));
        const cpu = processCpuUs(t.pid) - cpu0;
        if (res.errors > 0) throw new Error(`${t.name} answered ${res.errors} of ${res.requests} requests with errors at saturation`);
        s.rps.push(res.requests / (res.durationMs / 1000));
        s.cpu.push(cpu / Math.max(1, res.requests));
        s.p50.push(res.p50Us / 1000);
        s.p99.push(res.p99Us / 1000);
      }
      for (const t of targets) {
        const s = samples.get(t.name) as Samples;
        const res = await generate(plan, runtime, { host: '127.0.0.1', port: t.port, request: t.request, mode: 'paced', rate: fixedRate, connections: 8, durationMs: roundMs });
        if (res.errors > 0) throw new Error(`${t.name} answered ${res.errors} of ${res.requests} requests with errors at ${fixedRate} req/s`);
        if ((res.sendLagP99Us ?? 0) > 1000) log(`round ${r}: the generator sent 1% of ${t.name}'s paced requests more than ${((res.sendLagP99Us ?? 0) / 1000).toFixed(1)} ms late (a busy machine): latency counts from the schedule, so this falls on the figures`);
        s.fixedP50.push(res.p50Us / 1000);
        s.fixedP99.push(res.p99Us / 1000);
      }
      log(`round ${r}/${rounds}: ${targets.map((t) => `${t.name} ${Math.round(samples.get(t.name)?.rps.at(-1) ?? 0).toLocaleString('en')} req/s`).join(', ')}`);
    }

    const figures = figuresOf(targets, samples);
    const ratio = (other: DecisionTargetName): number | null => ratioOf(figures, 'rps', other);
    const cpuRatio = (other: DecisionTargetName): number | null => ratioOf(figures, 'rps_per_core', other);
    const loadEnd = loadavg()[0] ?? 0;
    printTable(figures, fixedRate, log);
    const result: DecisionsBenchResult = {
      targets: figures,
      ratio_vs_bare: ratio('bare'),
      ratio_vs_opa: ratio('opa'),
      ratio_vs_cerbos: ratio('cerbos'),
      cpu_ratio_vs_bare: cpuRatio('bare'),
      cpu_ratio_vs_opa: cpuRatio('opa'),
      cpu_ratio_vs_cerbos: cpuRatio('cerbos'),
      assess_p50_us: round(assess.p50),
      assess_p99_us: round(assess.p99),
      assess_per_s: Math.round(assess.perS),
      pinned: plan.pinned,
      fixed_rate: fixedRate,
      connections,
      load_start: round(loadStart, 2),
      load_end: round(loadEnd, 2),
      skipped,
    };
    log(`chainwatch req/s per core (CPU) over: bare ${result.cpu_ratio_vs_bare ?? 'n/a'}, OPA ${result.cpu_ratio_vs_opa ?? 'n/a'}, Cerbos ${result.cpu_ratio_vs_cerbos ?? 'n/a'}`);
    log(
      `chainwatch req/s over: bare ${result.ratio_vs_bare ?? 'n/a'}, OPA ${result.ratio_vs_opa ?? 'n/a'}, Cerbos ${result.ratio_vs_cerbos ?? 'n/a'}  ` +
        `(${connections} connections, ${rounds} interleaved rounds of ${roundMs / 1000} s after ${warmupMs / 1000} s of saturation each; load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)})`,
    );
    return result;
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
}

/** Each target's medians over the rounds. */
function figuresOf(targets: readonly Target[], samples: ReadonlyMap<string, Samples>): Partial<Record<DecisionTargetName, TargetFigures>> {
  const figures: Partial<Record<DecisionTargetName, TargetFigures>> = {};
    for (const t of targets) {
      const s = samples.get(t.name) as Samples;
      const cpuPerReq = median(s.cpu);
      figures[t.name as DecisionTargetName] = {
        rps: Math.round(median(s.rps)),
        cpu_us_per_req: round(cpuPerReq),
        core_share: round(median(s.rps.map((rps, i) => (rps * (s.cpu[i] ?? 0)) / 1e6)), 2),
        rps_per_core: Math.round(1e6 / cpuPerReq),
        p50_ms: round(median(s.p50), 2),
        p99_ms: round(median(s.p99), 2),
        p50_fixed_rate_ms: round(median(s.fixedP50), 2),
        p99_fixed_rate_ms: round(median(s.fixedP99), 2),
        rss_mb: round(processRssMb(t.pid)),
      };
    }
  return figures;
}

/** The results table, one line per target. */
function printTable(figures: Partial<Record<DecisionTargetName, TargetFigures>>, fixedRate: number, log: (line: string) => void): void {
  log('');
    log(`${'target'.padEnd(11)} ${'req/s'.padStart(8)} ${'CPU µs/req'.padStart(11)} ${'core'.padStart(5)} ${'req/s/core'.padStart(10)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  ${`at ${fixedRate.toLocaleString('en')} req/s: p50 / p99 ms`.padEnd(30)} ${'RSS MiB'.padStart(8)}`);
    for (const [name, f] of Object.entries(figures)) {
      log(
        `${name.padEnd(11)} ${f.rps.toLocaleString('en').padStart(8)} ${f.cpu_us_per_req.toFixed(1).padStart(11)} ${f.core_share.toFixed(2).padStart(5)} ${f.rps_per_core.toLocaleString('en').padStart(10)} ${f.p50_ms.toFixed(2).padStart(7)} ${f.p99_ms.toFixed(2).padStart(7)}  ` +
          `${`${f.p50_fixed_rate_ms.toFixed(2)} / ${f.p99_fixed_rate_ms.toFixed(2)}`.padEnd(30)} ${f.rss_mb.toFixed(1).padStart(8)}`,
      );
    }
}

/** Chainwatch's figure over another target's (null when either is missing). */
function ratioOf(figures: Partial<Record<DecisionTargetName, TargetFigures>>, key: 'rps' | 'rps_per_core', other: DecisionTargetName): number | null {
  const mine = figures.chainwatch?.[key];
  const theirs = figures[other]?.[key];
  return mine === undefined || theirs === undefined || theirs === 0 ? null : round(mine / theirs, 3);
}
