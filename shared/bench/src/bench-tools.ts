/**
 * The policy servers `bench decisions` compares against, installed on first use into a cache
 * under the home folder ($CHAINWATCH_CACHE/bench, default ~/.cache/chainwatch/bench) through their
 * ordinary registries: Open Policy Agent with `go install` from the Go module proxy (a few minutes
 * the first time; needs Go), Cerbos from its npm package of the Linux x64 binary. When one cannot
 * be installed, the bench says why in one line and runs without it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const OPA_VERSION = 'v1.22.4';
const CERBOS_VERSION = '0.55.0';

const benchCacheDir = (): string => join(process.env.CHAINWATCH_CACHE ?? join(homedir(), '.cache', 'chainwatch'), 'bench');

export type Tool = { readonly path: string; readonly version: string } | { readonly skipped: string };

function has(command: string): boolean {
  try {
    execFileSync(command, ['version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function ensureOpa(log: (line: string) => void): Tool {
  const dir = join(benchCacheDir(), `opa-${OPA_VERSION}`);
  const path = join(dir, 'opa');
  if (existsSync(path)) return { path, version: OPA_VERSION };
  if (!has('go')) return { skipped: `OPA skipped: not in ${dir} and no Go toolchain to install it (go install github.com/open-policy-agent/opa@${OPA_VERSION})` };
  log(`decisions: installing OPA ${OPA_VERSION} with go install into ${dir} (once; a few minutes)`);
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('go', ['install', `github.com/open-policy-agent/opa@${OPA_VERSION}`], { env: { ...process.env, GOBIN: dir }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20 * 60_000 });
  } catch (err) {
    return { skipped: `OPA skipped: go install failed (${firstLine(err)})` };
  }
  return existsSync(path) ? { path, version: OPA_VERSION } : { skipped: `OPA skipped: go install left no binary in ${dir}` };
}

export function ensureCerbos(log: (line: string) => void): Tool {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { skipped: `Cerbos skipped: the bench installs the linux-x64 binary only (this is ${process.platform}-${process.arch})` };
  const dir = join(benchCacheDir(), `cerbos-${CERBOS_VERSION}`);
  const path = join(dir, 'node_modules', '@cerbos', 'cerbos-linux-x64', 'cerbos-linux-x64');
  if (existsSync(path)) return { path, version: CERBOS_VERSION };
  log(`decisions: installing Cerbos ${CERBOS_VERSION} (npm package @cerbos/cerbos-linux-x64) into ${dir} (once)`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `@cerbos/cerbos-linux-x64@${CERBOS_VERSION}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
  } catch (err) {
    return { skipped: `Cerbos skipped: npm install @cerbos/cerbos-linux-x64@${CERBOS_VERSION} failed (${firstLine(err)})` };
  }
  return existsSync(path) ? { path, version: CERBOS_VERSION } : { skipped: `Cerbos skipped: the npm package left no binary at ${path}` };
}

function firstLine(err: unknown): string {
  const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
  const text = stderr && stderr.length > 0 ? stderr : err instanceof Error ? err.message : String(err);
  return text.split('\n').filter(Boolean).pop()?.slice(0, 200) ?? 'unknown error';
}
