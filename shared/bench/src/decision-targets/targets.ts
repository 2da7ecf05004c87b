/**
 * The servers `bench decisions` measures, each started in a process of its own on the server
 * core: the bare fastify route, the Chainwatch decision API, OPA and Cerbos. A target knows the
 * raw request to send it and how to read the decision out of its answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecisionRequest } from '@chainwatch/schemas';
import { onCore, type CorePlan } from '../pinning';
import { benchScript } from '../repo-paths';
import { CERBOS_PATH, CERBOS_POLICY, OPA_PATH, OPA_POLICY, cerbosBody, opaBody } from './scenario';
import { pollUntil, withTimeout } from '@chainwatch/runtime';

export interface Target {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** The whole HTTP request the load generator sends. */
  readonly request: string;
  /** The answer to one request, with the decision it carries ('allow' / 'deny' / …). */
  probe(): Promise<{ decision: string; body: string }>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function rawRequest(port: number, path: string, body: string, headers: Record<string, string> = {}): string {
  const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

async function post(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** The last 2 KB a policy server wrote to stderr (said only when it fails to start: under load they log every cancelled request). */
function tail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => (text = (text + d.toString()).slice(-2000)));
  return () => text;
}

function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup?.();
  };
}

/**
 * Node options of the decision API as deployed (infra/k8s/decision-api.yaml and
 * infra/docker-compose.yml set NODE_OPTIONS to this; a test keeps them equal).
 */
export const DECISION_API_NODE_OPTIONS = '--max-semi-space-size=8';

/** Starts a Node target script and waits for its `READY {json}` line. */
async function startNodeTarget(
  plan: CorePlan,
  script: string,
  runtime: 'built' | 'sources',
  env: Record<string, string> = {},
  nodeOptions: readonly string[] = [],
): Promise<{ child: ChildProcess; ready: Record<string, string> }> {
  const [cmd, ...args] = onCore(plan, plan.serverCore, [process.execPath, ...nodeOptions, ...benchScript(script, runtime)]);
  const child = spawn(cmd as string, args, { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const announced = new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\{.*\})$/m.exec(out);
      if (m) resolve(JSON.parse(m[1] as string) as Record<string, string>);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  const ready = await withTimeout(announced, 120_000, `${script} to start`);
  return { child, ready };
}

async function waitHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  const stderr = tail(child);
  const healthy = async (): Promise<boolean> => {
    try {
      return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false; // not listening yet
    }
  };
  const up = await pollUntil(async () => child.exitCode !== null || (await healthy()), { timeoutMs: 60_000, intervalMs: 100 });
  if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${stderr()}`);
  if (!up) throw new Error(`${what} not healthy within 60 s: ${stderr()}`);
}

const portOf = (url: string): number => Number(new URL(url).port);

export async function startChainwatch(plan: CorePlan, runtime: 'built' | 'sources', request: DecisionRequest): Promise<Target> {
  const { child, ready } = await startNodeTarget(plan, 'decision-server', runtime, {}, DECISION_API_NODE_OPTIONS.split(' '));
  const port = portOf(ready.url as string);
  const headers = { Authorization: `Bearer ${ready.token as string}` };
  const body = JSON.stringify(request);
  return {
    name: 'chainwatch',
    pid: child.pid as number,
    port,
    request: rawRequest(port, '/v1/decisions', body, headers),
    probe: async () => {
      const text = await post(port, '/v1/decisions', body, headers);
      return { decision: (JSON.parse(text) as { decision: string }).decision, body: text };
    },
    stop: stopper(child),
  };
}

export async function startBare(plan: CorePlan, runtime: 'built' | 'sources', request: DecisionRequest, answer: string): Promise<Target> {
  const { child, ready } = await startNodeTarget(plan, 'bare-server', runtime, { CHAINWATCH_BENCH_BODY: answer });
  const port = portOf(ready.url as string);
  const body = JSON.stringify(request);
  return {
    name: 'bare',
    pid: child.pid as number,
    port,
    request: rawRequest(port, '/v1/decisions', body),
    probe: async () => {
      const text = await post(port, '/v1/decisions', body);
      return { decision: (JSON.parse(text) as { decision: string }).decision, body: text };
    },
    stop: stopper(child),
  };
}

export async function startOpa(plan: CorePlan, binary: string, request: DecisionRequest): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-bench-opa-'));
  writeFileSync(join(dir, 'policy.rego'), OPA_POLICY);
  const port = await freePort();
  const [cmd, ...args] = onCore(plan, plan.serverCore, [binary, 'run', '--server', '--addr', `127.0.0.1:${port}`, '--log-level', 'error', '--skip-version-check', join(dir, 'policy.rego')]);
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, child, 'opa');
  } catch (err) {
    await stop();
    throw err;
  }
  const body = opaBody(request);
  return {
    name: 'opa',
    pid: child.pid as number,
    port,
    request: rawRequest(port, OPA_PATH, body),
    probe: async () => {
      const text = await post(port, OPA_PATH, body);
      return { decision: (JSON.parse(text) as { result?: { decision?: string } }).result?.decision ?? 'none', body: text };
    },
    stop,
  };
}

export async function startCerbos(plan: CorePlan, binary: string, request: DecisionRequest): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-bench-cerbos-'));
  const policies = join(dir, 'policies');
  const [port, grpcPort] = [await freePort(), await freePort()];
  mkdirSync(policies);
  writeFileSync(join(policies, 'agent_action.yaml'), CERBOS_POLICY);
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'server:',
      `  httpListenAddr: "127.0.0.1:${port}"`,
      `  grpcListenAddr: "127.0.0.1:${grpcPort}"`,
      'storage:',
      '  driver: "disk"',
      '  disk:',
      `    directory: "${policies}"`,
      '    watchForChanges: false',
      'audit:',
      '  enabled: false',
      'telemetry:',
      '  disabled: true',
      '',
    ].join('\n'),
  );
  const [cmd, ...args] = onCore(plan, plan.serverCore, [binary, 'server', `--config=${join(dir, 'config.yaml')}`, '--log-level=error']);
  const child = spawn(cmd as string, args, { env: { ...process.env, CERBOS_NO_TELEMETRY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitHealthy(`http://127.0.0.1:${port}/_cerbos/health`, child, 'cerbos');
  } catch (err) {
    await stop();
    throw err;
  }
  const body = cerbosBody(request);
  return {
    name: 'cerbos',
    pid: child.pid as number,
    port,
    request: rawRequest(port, CERBOS_PATH, body),
    probe: async () => {
      const text = await post(port, CERBOS_PATH, body);
      const effect = (JSON.parse(text) as { results?: { actions?: Record<string, string> }[] }).results?.[0]?.actions?.invoke;
      return { decision: effect === 'EFFECT_ALLOW' ? 'allow' : effect === 'EFFECT_DENY' ? 'deny' : 'none', body: text };
    },
    stop,
  };
}
