/**
 * MCP proxy benchmark. In one run, the same tools/call from an SDK client over stdio:
 *  - direct: client → MCP server (a child process);
 *  - proxied: client → `chainwatch mcp-proxy` (a child process, in-process engine) → the same server.
 * Rounds alternate direct and proxied calls, sequentially (one call in flight), after a warm-up.
 * Prints p50 / p99 per call for both and the added latency (proxied minus direct, per percentile),
 * then the gate alone in process (decision with the engine and the report, no transport), which
 * is the part of the added latency that is Chainwatch's rather than the extra MCP hop's.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { loadDefaultPolicy } from '@chainwatch/core';
import { InProcessDecider, ToolCallGate, ToolRegistry, resolveIdentity, parseMcpProxyConfig } from '@chainwatch/mcp-proxy';
import { createLogger } from '@chainwatch/runtime';
import { CLI_SOURCE_MAIN, REPO_ROOT, SOURCE_NODE_ARGS } from './repo-paths';

export interface McpProxyBenchResult {
  readonly direct_p50_us: number;
  readonly direct_p99_us: number;
  readonly proxy_p50_us: number;
  readonly proxy_p99_us: number;
  readonly added_p50_us: number;
  readonly added_p99_us: number;
  readonly calls: number;
  /** Proxied calls the proxy did not allow (should be 0: the bench measures the allow path). */
  readonly refused: number;
  /** The proxy's own work per call, in process: decide with the engine, forward (a constant), report. */
  readonly gate_p50_us: number;
  readonly gate_p99_us: number;
}

/** The gate alone (no transports): what the decision and the report cost per call with the in-process engine. */
async function gateOnly(calls: number): Promise<{ p50: number; p99: number }> {
  const policy = loadDefaultPolicy();
  const logger = createLogger({ name: 'bench', level: 'error' });
  const decider = new InProcessDecider({ policy: { catalog: policy.catalog, policy: policy.policy, rules: policy.rules }, logger });
  const registry = new ToolRegistry();
  registry.record([{ name: 'read_note', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true, openWorldHint: false } }]);
  const gate = new ToolCallGate(decider, registry, policy.catalog, { failMode: { sensitive: 'deny', other: 'allow' }, approvals: 'binding' }, logger);
  const config = parseMcpProxyConfig({ upstream: { url: 'http://127.0.0.1:1/mcp' }, identity: { principal: { sub: 'user:bench' }, task: { intent: 'read the standup notes' } } });
  const ctx = { sessionId: 'bench-gate', traceId: 'bench-gate', identity: resolveIdentity(config.identity, 'bench-gate', {}), elicit: null };
  const result = { content: [{ type: 'text' as const, text: 'n1: Standup notes: deploy moved to Thursday; questions to ops@example.org.' }] };
  const forward = async () => result;
  const lat: number[] = [];
  for (let i = 0; i < calls + 500; i++) {
    const t0 = performance.now();
    await gate.call('read_note', { id: `n${i % 50}` }, ctx, forward);
    if (i >= 500) lat.push((performance.now() - t0) * 1000);
  }
  await decider.close();
  lat.sort((a, b) => a - b);
  return { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

export interface McpProxyBenchOptions {
  /** Calls per target (default 4000), split into rounds. */
  readonly calls?: number;
  readonly rounds?: number;
  readonly log?: (line: string) => void;
}

const TSX = [...SOURCE_NODE_ARGS];
const SERVER = join(REPO_ROOT, 'shared', 'bench', 'scripts', 'mcp-note-server.ts');
const CLI = CLI_SOURCE_MAIN;

async function connect(args: string[]): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args, cwd: REPO_ROOT, env: { ...getDefaultEnvironment(), LOG_LEVEL: 'error' }, stderr: 'inherit' }),
  );
  return client;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export async function runMcpProxyBench(options: McpProxyBenchOptions = {}): Promise<McpProxyBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const calls = options.calls ?? 4000;
  const rounds = options.rounds ?? 8;
  const direct = await connect([...TSX, SERVER]);
  const proxied = await connect([...TSX, CLI, 'mcp-proxy', '--principal', 'user:bench', '--task-intent', 'read the standup notes', '--', process.execPath, ...TSX, SERVER]);
  const lat = { direct: [] as number[], proxy: [] as number[] };
  let refused = 0;
  try {
    await direct.listTools();
    await proxied.listTools();
    const call = async (client: Client, i: number): Promise<number> => {
      const t0 = performance.now();
      const r = await client.callTool({ name: 'read_note', arguments: { id: `n${i % 50}` } });
      const us = (performance.now() - t0) * 1000;
      if (r.isError === true && client === proxied) refused++;
      return us;
    };
    for (let i = 0; i < 300; i++) {
      await call(direct, i);
      await call(proxied, i);
    }
    refused = 0;
    const perRound = Math.ceil(calls / rounds);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < perRound; i++) lat.direct.push(await call(direct, i));
      for (let i = 0; i < perRound; i++) lat.proxy.push(await call(proxied, i));
    }
  } finally {
    await proxied.close();
    await direct.close();
  }
  const gate = await gateOnly(calls);
  const d = lat.direct.sort((a, b) => a - b);
  const p = lat.proxy.sort((a, b) => a - b);
  const round1 = (v: number) => Math.round(v * 10) / 10;
  const result: McpProxyBenchResult = {
    direct_p50_us: round1(quantile(d, 0.5)),
    direct_p99_us: round1(quantile(d, 0.99)),
    proxy_p50_us: round1(quantile(p, 0.5)),
    proxy_p99_us: round1(quantile(p, 0.99)),
    added_p50_us: round1(quantile(p, 0.5) - quantile(d, 0.5)),
    added_p99_us: round1(quantile(p, 0.99) - quantile(d, 0.99)),
    calls: p.length,
    refused,
    gate_p50_us: round1(gate.p50),
    gate_p99_us: round1(gate.p99),
  };
  log(`mcp-proxy: direct  p50 ${result.direct_p50_us} µs  p99 ${result.direct_p99_us} µs  (${d.length} calls over stdio)`);
  log(`mcp-proxy: proxied p50 ${result.proxy_p50_us} µs  p99 ${result.proxy_p99_us} µs  (in-process engine; ${refused} refused)`);
  log(`mcp-proxy: added   p50 ${result.added_p50_us} µs  p99 ${result.added_p99_us} µs per call (the extra stdio hop included)`);
  log(`mcp-proxy: of which the gate (decide + report, in process, no transport) p50 ${result.gate_p50_us} µs  p99 ${result.gate_p99_us} µs`);
  return result;
}
