/**
 * `chainwatch start` as a child process for the fault suite: started on a data directory, killed
 * with SIGKILL or stopped with SIGTERM, restarted on the same directory. Reads the URL and the
 * development tokens it prints and saves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../cli/run-cli';

const MAIN = join(REPO_ROOT, 'services', 'cli', 'src', 'main.ts');

export interface RunningChainwatch {
  readonly child: ChildProcess;
  readonly url: string;
  /** Roles enforcer, approver, analyst (subject chainwatch-dev). */
  readonly token: string;
  /** Role approver only (another subject: may approve the development token's step-ups). */
  readonly approverToken: string;
  output(): string;
}

export async function startChainwatch(dataDir: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunningChainwatch> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', MAIN, 'start', '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', CHAINWATCH_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chainwatch start not listening within ${timeoutMs} ms: ${out.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      // Ready once the development token line and the token itself are out (and the approver token line, where there is one).
      const tokenOut = /development token .* saved to \S+:\n\S+\n/.test(out);
      const m = tokenOut ? /listening on (http:\/\/\S+)/.exec(out) : null;
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chainwatch start exited (${code ?? signal}) before listening: ${out.slice(-2000)}`));
    });
  });
  const token = readFileSync(join(dataDir, 'dev-token'), 'utf8').trim();
  const approverPath = join(dataDir, 'dev-approver-token');
  return {
    child,
    url,
    token,
    approverToken: existsSync(approverPath) ? readFileSync(approverPath, 'utf8').trim() : token,
    output: () => out,
  };
}

/** kill -9: no shutdown of any kind. Resolves once the process is gone. */
export async function kill9(running: { readonly child: ChildProcess }): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => running.child.once('exit', () => resolve()));
  running.child.kill('SIGKILL');
  await exited;
}

/** SIGTERM; resolves with the exit code and how long the process took to exit. */
export async function terminate(running: { readonly child: ChildProcess }, hardMs = 30_000): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  if (running.child.exitCode !== null) return { code: running.child.exitCode, ms: 0 };
  const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), hardMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - started };
}

/** Polls GET path until it answers `status`; returns how long it took. */
export async function waitForStatus(url: string, status: number, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === status) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const SERVICE_CHILD = join(REPO_ROOT, 'test', 'faults', 'service-child.ts');

export interface RunningService {
  readonly child: ChildProcess;
  /** What the child printed after READY (writer: opsPort; decision-api: url). */
  readonly info: { readonly opsPort?: number; readonly url?: string };
  output(): string;
}

/** Starts test/faults/service-child.ts as `role`; resolves once it prints READY. */
export async function startService(role: 'writer' | 'decision-api', env: Record<string, string>, timeoutMs = 120_000): Promise<RunningService> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', SERVICE_CHILD, role], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const info = await new Promise<RunningService['info']>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} not ready within ${timeoutMs} ms: ${out.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /READY (\{.*\})\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1] as string) as RunningService['info']);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code ?? signal}) before READY: ${out.slice(-2000)}`));
    });
  });
  return { child, info, output: () => out };
}

/** `chainwatch <command>` (a service of the CLI) as a child; resolves once `ready` matches its output. */
export async function startCliService(args: readonly string[], env: Record<string, string>, ready: RegExp, timeoutMs = 120_000): Promise<RunningService> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chainwatch ${args.join(' ')} not ready within ${timeoutMs} ms: ${out.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chainwatch ${args.join(' ')} exited (${code ?? signal}): ${out.slice(-2000)}`));
    });
  });
  return { child, info: {}, output: () => out };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
