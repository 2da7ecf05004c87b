/**
 * Decision benchmark. In one run:
 *  1. in-process engine.assess() with the shipped policy and full rule set, on a warmed session:
 *     throughput and p50/p99 latency;
 *  2. HTTP with autocannon (client in a child process of its own) against the real decision API (JWT auth,
 *     rate limiting, zod validation, fail-mode and approval logic, decision log, metrics) and
 *     against a bare fastify route that returns a constant for the same request body, with the
 *     same connections and duration. Prints both and the ratio.
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { AgentActionEvent, DecisionRequest } from '@chainwatch/schemas';
import { InProcessView, buildDecisionApi, catalogSensitivity, createDevAuth } from '@chainwatch/decision-api';
import { benchEvent } from './bench-event';

export interface DecisionsBenchResult {
  readonly assess_p50_us: number;
  readonly assess_p99_us: number;
  readonly assess_per_s: number;
  readonly api_rps: number;
  readonly bare_rps: number;
  readonly ratio: number;
  readonly api_p99_ms: number;
  readonly bare_p99_ms: number;
  /** With `calibrateUs`: the ratio a bare route doing that many µs of synchronous work reaches, per amount. */
  readonly calibration?: Readonly<Record<string, number>>;
}

export interface DecisionsBenchOptions {
  /** Seconds of load per target (default 6), split into alternating slices. */
  readonly durationS?: number;
  /** Alternating bare / API slices (default 3). */
  readonly rounds?: number;
  /** Concurrent connections (default 16). */
  readonly connections?: number;
  /** assess() calls in the in-process phase (default 100,000). */
  readonly assessCalls?: number;
  /**
   * Also measure the bare route doing this many µs of busy work per request (e.g. [5, 10, 20]):
   * what ratio a given amount of per-request work costs on this machine, in the same run.
   */
  readonly calibrateUs?: readonly number[];
  readonly log?: (line: string) => void;
}

const SESSION = 'bench-session-1';
const AGENT = { id: 'agent-bench-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
const TASK = { id: 'task-bench', intent: 'summarise the project folder', scopes: ['files.read', 'mail.send'] };

/** A session with some history: a few reads, including a confidential one (tainted). */
function warmSession(engine: DetectionEngine): void {
  const t0 = Date.now() - 60_000;
  const tools = ['list_files', 'read_file', 'search_files', 'read_file', 'list_files', 'get_file'];
  tools.forEach((tool, i) => {
    const event: AgentActionEvent = benchEvent({
      session_id: SESSION,
      trace_id: 'bench-trace-1',
      ts: t0 + i * 1000,
      agent: AGENT,
      task: TASK,
      action: { kind: 'tool_call', tool, operation: 'read', resource: `file://projects/doc-${i}.md`, data_class: i === 1 ? 'confidential' : 'internal', args: { path: `projects/doc-${i}.md` } },
    });
    engine.observe(event);
  });
}

/** The prospective action asked about: another read in the same warmed session. */
const REQUEST: DecisionRequest = {
  session_id: SESSION,
  trace_id: 'bench-trace-1',
  agent: AGENT,
  principal: { sub: 'user:alice', act: [] },
  task: TASK,
  action: { kind: 'tool_call', tool: 'read_file', operation: 'read', resource: 'file://projects/doc-7.md', args: { path: 'projects/doc-7.md' } },
};

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function assessPhase(engine: DetectionEngine, calls: number): { p50: number; p99: number; perS: number } {
  for (let i = 0; i < 5000; i++) engine.assess(REQUEST, Date.now());
  const samples = new Float64Array(calls);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    engine.assess(REQUEST, Date.now());
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), perS: calls / totalS };
}

interface CannonResult {
  readonly rps: number;
  readonly p99: number;
  readonly non2xx: number;
  /** CPU time of this process (the server under test; the load generator runs elsewhere) per request, µs. */
  readonly cpuUs: number;
}

/** Mean throughput over the slices, worst p99, all errors. */
function combine(runs: readonly CannonResult[]): CannonResult {
  return {
    rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length,
    p99: Math.max(...runs.map((r) => r.p99)),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    cpuUs: runs.reduce((sum, r) => sum + r.cpuUs, 0) / runs.length,
  };
}

/**
 * The load generator runs in a child process of its own (autocannon, programmatic API), so it
 * never competes with the servers under test for their event loop; the bare route and the API are
 * served the same way, by this process, one at a time.
 */
const LOAD_SCRIPT = `
const autocannon = require('autocannon');
const o = JSON.parse(process.env.CHAINWATCH_BENCH_LOAD);
autocannon({ url: o.url, method: 'POST', headers: o.headers, body: o.body, connections: o.connections, duration: o.duration }, (err, r) => {
  if (err) { console.error(String(err)); process.exit(1); }
  process.stdout.write(JSON.stringify({ rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts }));
});`;

function cannon(url: string, headers: Record<string, string>, durationS: number, connections: number): Promise<CannonResult> {
  const options = { url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(REQUEST), connections, duration: durationS };
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', LOAD_SCRIPT],
      { env: { ...process.env, CHAINWATCH_BENCH_LOAD: JSON.stringify(options) }, cwd: BENCH_DIR, timeout: (durationS + 30) * 1000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`load generator failed: ${stderr || err.message}`));
        try {
          const load = JSON.parse(stdout) as Omit<CannonResult, 'cpuUs'>;
          const cpu = process.cpuUsage(cpu0);
          resolve({ ...load, cpuUs: (cpu.user + cpu.system) / Math.max(1, load.rps * durationS) });
        } catch {
          reject(new Error(`load generator printed no result: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}

/** Where autocannon resolves from (the workspace's node_modules). */
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export async function runDecisionsBench(opts: DecisionsBenchOptions = {}): Promise<DecisionsBenchResult> {
  const log = opts.log ?? (() => undefined);
  const durationS = opts.durationS ?? 6;
  const connections = opts.connections ?? 16;

  const { catalog, policy, rules } = loadDefaultPolicy();
  const engine = createDetectionEngine({ catalog, policy, rules });
  warmSession(engine);
  const probe = engine.assess(REQUEST, Date.now());
  log(`decisions: warmed session answers ${probe.decision} (score ${probe.score}), policy ${engine.policyVersion}`);

  const assess = assessPhase(engine, opts.assessCalls ?? 100_000);
  log(`assess (in-process, full rule set): ${Math.round(assess.perS).toLocaleString('en')}/s  p50 ${assess.p50.toFixed(1)} µs  p99 ${assess.p99.toFixed(1)} µs`);

  // The real API: same engine, in-process view (always current), decision log to a MemoryLog.
  const auth = await createDevAuth();
  const api = await buildDecisionApi({
    view: new InProcessView(engine, { caughtUp: () => true }),
    publisher: new MemoryLog({ retain: 1000 }),
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    options: { rateLimitMax: 1_000_000_000, isSensitive: catalogSensitivity(catalog) },
    logger: createLogger({ name: 'bench-decision-api', level: 'warn' }),
  });
  const apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });

  const bare = Fastify({ logger: false });
  const constant = { decision: 'allow' };
  bare.post('/v1/decisions', async () => constant);
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  try {
    // Warm both servers (JIT, token cache) before measuring.
    await cannon(`${apiUrl}/v1/decisions`, { authorization: `Bearer ${auth.token}` }, 2, connections);
    await cannon(`${bareUrl}/v1/decisions`, {}, 2, connections);

    // Alternate bare and API slices so that load from elsewhere on the machine hits both alike.
    const rounds = Math.max(1, opts.rounds ?? 3);
    const slice = Math.max(1, Math.round(durationS / rounds));
    const bareRuns: CannonResult[] = [];
    const apiRuns: CannonResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRuns.push(await cannon(`${bareUrl}/v1/decisions`, {}, slice, connections));
      apiRuns.push(await cannon(`${apiUrl}/v1/decisions`, { authorization: `Bearer ${auth.token}` }, slice, connections));
    }
    const bareRun = combine(bareRuns);
    const apiRun = combine(apiRuns);
    log(`bare fastify route:  ${Math.round(bareRun.rps).toLocaleString('en')} req/s  p99 ${bareRun.p99} ms  (server CPU ${bareRun.cpuUs.toFixed(1)} µs/req)`);
    log(
      `decision API:        ${Math.round(apiRun.rps).toLocaleString('en')} req/s  p99 ${apiRun.p99} ms  (server CPU ${apiRun.cpuUs.toFixed(1)} µs/req)` +
        `${apiRun.non2xx > 0 ? `  (${apiRun.non2xx} non-2xx!)` : ''}`,
    );
    const ratio = bareRun.rps > 0 ? apiRun.rps / bareRun.rps : 0;
    log(`ratio API / bare:    ${ratio.toFixed(3)}  (${connections} connections, ${rounds} alternating slices of ${slice} s each)`);
    if (apiRun.non2xx > 0) throw new Error(`decision API answered ${apiRun.non2xx} requests with errors`);
    const calibration: Record<string, number> = {};
    for (const us of opts.calibrateUs ?? []) {
      const busy = Fastify({ logger: false });
      busy.post('/v1/decisions', async () => {
        const until = performance.now() + us / 1000;
        while (performance.now() < until);
        return constant;
      });
      const busyUrl = await busy.listen({ host: '127.0.0.1', port: 0 });
      try {
        await cannon(`${busyUrl}/v1/decisions`, {}, 1, connections);
        const runs: CannonResult[] = [];
        for (let i = 0; i < rounds; i++) runs.push(await cannon(`${busyUrl}/v1/decisions`, {}, slice, connections));
        const r = combine(runs);
        calibration[`bare_plus_${us}us`] = round(r.rps / bareRun.rps, 3);
        log(`calibration: bare + ${us} µs of work per request: ${Math.round(r.rps).toLocaleString('en')} req/s, ratio ${(r.rps / bareRun.rps).toFixed(3)}`);
      } finally {
        await busy.close();
      }
    }
    return {
      assess_p50_us: round(assess.p50),
      assess_p99_us: round(assess.p99),
      assess_per_s: Math.round(assess.perS),
      api_rps: Math.round(apiRun.rps),
      bare_rps: Math.round(bareRun.rps),
      ratio: round(ratio, 3),
      api_p99_ms: apiRun.p99,
      bare_p99_ms: bareRun.p99,
      ...(opts.calibrateUs && opts.calibrateUs.length > 0 ? { calibration } : {}),
    };
  } finally {
    await api.app.close();
    await bare.close();
  }
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

