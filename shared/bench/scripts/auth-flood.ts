/**
 * What a flood of bad tokens costs legitimate callers. The decision API (real engine, in-process
 * view) is loaded by legitimate connections with a valid token, alone and then alongside
 * connections sending tokens with a forged signature (right key id, wrong signature: each costs
 * an ECDSA verification unless refused first), with the per-address limit of failed
 * authentications on (the default) and effectively off. Same run, same machine; the load
 * generators run in child processes.
 *
 *   npx tsx shared/bench/scripts/auth-flood.ts [--duration 5] [--connections 8] [--flood 8] [--flood-rate N]
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { DecisionRequest } from '@chainwatch/schemas';
import { InProcessView, buildDecisionApi, createDevAuth, type DecisionApi } from '@chainwatch/decision-api';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const durationS = arg('--duration', 5);
const connections = arg('--connections', 8);
const flood = arg('--flood', 8);
/** Forged requests per second in all (0: as fast as the forged connections go, like the issue's probe). */
const floodRate = arg('--flood-rate', 0);
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

const REQUEST: DecisionRequest = {
  session_id: 'bench-auth-1',
  agent: { id: 'agent-1', type: 'file-assistant' },
  principal: { sub: 'user:alice', act: [] },
  action: { kind: 'tool_call', tool: 'read_file', operation: 'read', resource: 'file://projects/doc.md' },
};

const LOAD_SCRIPT = `
const autocannon = require('autocannon');
const o = JSON.parse(process.env.CHAINWATCH_BENCH_LOAD);
autocannon({ url: o.url, method: 'POST', headers: o.headers, body: o.body, connections: o.connections, duration: o.duration, ...(o.overallRate ? { overallRate: o.overallRate } : {}) }, (err, r) => {
  if (err) { console.error(String(err)); process.exit(1); }
  const statuses = {};
  for (const k of Object.keys(r)) if (/^[1-5]xx$/.test(k)) statuses[k] = r[k];
  process.stdout.write(JSON.stringify({ rps: r.requests.average, p99: r.latency.p99, statuses }));
});`;

interface Load {
  readonly rps: number;
  readonly p99: number;
  readonly statuses: Record<string, number>;
}

function cannon(url: string, token: string, conns: number, overallRate = 0): Promise<Load> {
  const options = { url: `${url}/v1/decisions`, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(REQUEST), connections: conns, duration: durationS, overallRate };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', LOAD_SCRIPT], { env: { ...process.env, CHAINWATCH_BENCH_LOAD: JSON.stringify(options) }, cwd: BENCH_DIR, timeout: (durationS + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`load generator failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as Load);
    });
  });
}

async function api(authFailuresMax: number): Promise<{ api: DecisionApi; url: string; token: string; forged: string }> {
  const auth = await createDevAuth();
  const engine = createDetectionEngine(loadDefaultPolicy());
  const built = await buildDecisionApi({
    view: new InProcessView(engine, { caughtUp: () => true }),
    publisher: new MemoryLog({ retain: 1000 }),
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    options: { rateLimitMax: 1_000_000_000, authFailuresMax },
    logger: createLogger({ name: 'bench-auth', level: 'warn' }),
  });
  const url = await built.app.listen({ host: '127.0.0.1', port: 0 });
  // Same header and claims, another signature: verified (and refused) by ECDSA.
  const [h, p, sig] = auth.token.split('.') as [string, string, string];
  const forged = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
  return { api: built, url, token: auth.token, forged };
}

const line = (label: string, l: Load): string => `${label.padEnd(46)} ${Math.round(l.rps).toLocaleString('en').padStart(7)} req/s  p99 ${String(l.p99).padStart(3)} ms  ${JSON.stringify(l.statuses)}`;

for (const [label, max] of [
  ['limit on (100 failures/min/address)', 100],
  ['limit effectively off', 1_000_000_000],
] as const) {
  const a = await api(max);
  try {
    await cannon(a.url, a.token, connections); // warm-up
    const alone = await cannon(a.url, a.token, connections);
    const [legit, attack] = await Promise.all([cannon(a.url, a.token, connections), cannon(a.url, a.forged, flood, floodRate)]);
    console.log(`auth-flood: ${label}`);
    console.log(`  ${line(`legitimate alone (${connections} connections)`, alone)}`);
    console.log(`  ${line(`legitimate beside ${flood} forged-token connections${floodRate > 0 ? ` (${floodRate}/s)` : ''}`, legit)}`);
    console.log(`  ${line('forged-token connections', attack)}`);
    console.log(`  legitimate throughput kept: ${(legit.rps / alone.rps).toFixed(3)}`);
    // What one forged request costs the server alone (its CPU per request; the generator runs elsewhere).
    const cpu0 = process.cpuUsage();
    const forgedAlone = await cannon(a.url, a.forged, flood);
    const cpu = process.cpuUsage(cpu0);
    const legitCpu0 = process.cpuUsage();
    const legitAgain = await cannon(a.url, a.token, connections);
    const legitCpu = process.cpuUsage(legitCpu0);
    const perRequest = (c: NodeJS.CpuUsage, l: Load): string => ((c.user + c.system) / Math.max(1, l.rps * durationS)).toFixed(1);
    console.log(`  server CPU per forged request ${perRequest(cpu, forgedAlone)} µs (${Math.round(forgedAlone.rps)}/s alone), per legitimate request ${perRequest(legitCpu, legitAgain)} µs`);
  } finally {
    await a.api.app.close();
  }
}
