/**
 * Core benchmark: events/s through observe() with every detector and the shipped rules on,
 * assess() latency, bytes of state per session at 10k / 100k / 1M concurrent sessions, and heap
 * under steady session churn with idle eviction. Run with `node --expose-gc --import tsx` for
 * exact heap figures; without it, bytes per session are estimated from serialised state.
 */
import type { AgentActionEvent, DecisionRequest } from '@chainwatch/schemas';
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import { generateTraffic, TRAFFIC_ORG_DOMAIN } from './core-traffic';

export interface CoreBenchResult {
  readonly events_per_s: number;
  readonly assess_p50_us: number;
  readonly assess_p99_us: number;
  readonly bytes_per_session_10k: number;
  readonly bytes_per_session_100k: number;
  readonly bytes_per_session_1m: number;
  readonly heap_mb_1m: number;
  /** Bytes per session at 100k sessions with the detectors only (no rule set): the core's own state. */
  readonly bytes_per_session_100k_detectors_only: number;
  /** 'heap' (measured with --expose-gc) or 'serialised' (estimate). */
  readonly memory_method: 'heap' | 'serialised';
  readonly churn_heap_mb: readonly number[];
  readonly churn_sessions: readonly number[];
}

export interface CoreBenchOptions {
  /** Events for the throughput phase (default 200,000). */
  readonly events?: number;
  /** Session counts for the memory phase (default 10k, 100k, 1M). */
  readonly sessionCounts?: readonly number[];
  readonly log?: (line: string) => void;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

function makeEngine(idleMs = 10 * 60_000, withRules = true): DetectionEngine {
  const { catalog, policy, rules } = loadDefaultPolicy();
  // The generated traffic's own domain is the organisation's, as an operator would configure it.
  return createDetectionEngine({
    catalog: { ...catalog, org_domains: [TRAFFIC_ORG_DOMAIN] },
    policy,
    ...(withRules ? { rules } : {}),
    maxSessions: 2_000_000,
    idleMs,
  });
}

function heapBytesPerSession(n: number, withRules: boolean): number {
  const before = heapUsed();
  const engine = makeEngine(10 * 60_000, withRules);
  for (const e of generateTraffic(n, { seed: 11, eventsPerSession: 4 })) engine.observe(e);
  const bytes = (heapUsed() - before) / engine.sessionCount;
  return Math.round(bytes);
}

function toRequest(e: AgentActionEvent): DecisionRequest {
  const { result_entities: _r, result_bytes: _b, ...action } = e.action;
  return { session_id: e.session_id, trace_id: e.trace_id, agent: e.agent, principal: e.principal, task: e.task, action, credential: e.credential, context: e.context };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Phases 1-2 in their own scope, so their events and engines are garbage before memory is measured. */
function throughputAndLatency(nEvents: number, log: (line: string) => void): { eventsPerS: number; p50: number; p99: number } {
  // 1. Throughput: pre-generated events, timed observe only.
  const events: AgentActionEvent[] = [];
  for (const e of generateTraffic(Math.ceil(nEvents / 6), { seed: 7 })) {
    events.push(e);
    if (events.length >= nEvents) break;
  }
  const warm = makeEngine();
  for (const e of events.slice(0, Math.min(20_000, events.length))) warm.observe(e);
  // Best of three rounds (fresh engine each): the machine is shared, the best round is the
  // closest to what one uncontended core does.
  let engine = makeEngine();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    engine = makeEngine();
    const t0 = performance.now();
    for (const e of events) engine.observe(e);
    const secs = (performance.now() - t0) / 1000;
    log(`observe round ${round + 1}: ${events.length} events in ${secs.toFixed(2)} s = ${Math.round(events.length / secs).toLocaleString('en-US')} events/s`);
    best = Math.min(best, secs);
  }
  const eventsPerS = Math.round(events.length / best);
  log(`observe: best ${eventsPerS.toLocaleString('en-US')} events/s (every detector + shipped rules, ${events.length} events)`);

  // 2. assess latency against the populated engine.
  const lat: number[] = [];
  const sample = events.filter((_, i) => i % 20 === 0).slice(0, 10_000).map(toRequest);
  for (const r of sample) engine.assess(r, 1_767_225_600_000);
  for (const r of sample) {
    const a = process.hrtime.bigint();
    engine.assess(r, 1_767_225_600_000);
    lat.push(Number(process.hrtime.bigint() - a) / 1000);
  }
  lat.sort((a, b) => a - b);
  const p50 = Math.round(quantile(lat, 0.5) * 10) / 10;
  const p99 = Math.round(quantile(lat, 0.99) * 10) / 10;
  log(`assess: p50 ${p50} µs, p99 ${p99} µs over ${lat.length} prospective actions`);

  return { eventsPerS, p50, p99 };
}

export async function runCoreBench(opts: CoreBenchOptions = {}): Promise<CoreBenchResult> {
  const log = opts.log ?? (() => undefined);
  const nEvents = opts.events ?? 200_000;

  const { eventsPerS, p50, p99 } = throughputAndLatency(nEvents, log);

  // 3. Memory per session at several concurrency levels (events generated on the fly, not retained).
  const counts = opts.sessionCounts ?? [10_000, 100_000, 1_000_000];
  const method: 'heap' | 'serialised' = gc !== undefined ? 'heap' : 'serialised';
  const perSession: number[] = [];
  let heapMb1m = 0;
  for (const n of counts) {
    let mem = makeEngine();
    const before = heapUsed();
    const traces = new Set<string>();
    for (const e of generateTraffic(n, { seed: 11, eventsPerSession: 4 })) {
      mem.observe(e);
      if (method === 'serialised' && traces.size < 2000) traces.add(e.trace_id);
    }
    let bytes: number;
    if (method === 'heap') {
      bytes = (heapUsed() - before) / mem.sessionCount;
    } else {
      let total = 0;
      let sessions = 0;
      for (const t of traces) {
        const cp = mem.checkpoint(t);
        if (cp !== null) {
          total += cp.length;
          sessions += (JSON.parse(cp) as { sessions: unknown[] }).sessions.length;
        }
      }
      bytes = total / Math.max(1, sessions);
    }
    perSession.push(Math.round(bytes));
    const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
    if (n === counts[counts.length - 1]) heapMb1m = heapMb;
    log(`memory: ${mem.sessionCount.toLocaleString('en-US')} sessions, ${Math.round(bytes)} bytes/session (${method}), heap ${heapMb} MB`);
    mem = makeEngine();
    void mem;
  }

  const detectorsOnly = method === 'heap' ? heapBytesPerSession(100_000, false) : 0;
  if (method === 'heap') log(`memory: 100,000 sessions, detectors only (no rule set): ${detectorsOnly} bytes/session`);

  // 4. Churn: steady arrival of new sessions with idle eviction; heap should stay flat.
  const churn = makeEngine(60_000);
  const heaps: number[] = [];
  const held: number[] = [];
  let lastTs = 0;
  let i = 0;
  for (const e of generateTraffic(250_000, { seed: 5, eventsPerSession: 4 })) {
    churn.observe(e);
    lastTs = e.ts;
    if (++i % 50_000 === 0) churn.evictIdle(lastTs);
    if (i % 200_000 === 0) {
      heaps.push(Math.round(heapUsed() / 1e6));
      held.push(churn.sessionCount);
    }
  }
  log(`churn: heap MB at each 200k events: ${heaps.join(', ')}; sessions held: ${held.join(', ')}`);

  return {
    events_per_s: eventsPerS,
    assess_p50_us: p50,
    assess_p99_us: p99,
    bytes_per_session_10k: perSession[0] ?? 0,
    bytes_per_session_100k: perSession[1] ?? 0,
    bytes_per_session_1m: perSession[2] ?? perSession[perSession.length - 1] ?? 0,
    heap_mb_1m: heapMb1m,
    bytes_per_session_100k_detectors_only: detectorsOnly,
    memory_method: method,
    churn_heap_mb: heaps,
    churn_sessions: held,
  };
}

