/**
 * The README's commands run on the Node.js pinned in the root package.json (the npm package
 * `node` in devDependencies puts its binary first on the PATH of every npm script), whatever the
 * system Node is.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli';

const pinned = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.node;

/**
 * Runs npm as a user's shell would: `npm` from the PATH without the project's node_modules/.bin,
 * so npm itself runs on the system Node (20 on the development machine).
 */
function npm(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(delimiter);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', [...args], { cwd: REPO_ROOT, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('runtime', () => {
  it('pins an exact Node.js LTS version (22 or newer)', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(pinned?.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('npm test runs the tests on the pinned Node.js', () => {
    expect(process.version).toBe(`v${pinned}`);
  });

  it('npm start and npm run chainwatch run on the pinned Node.js', async () => {
    const start = await npm(['start', '--silent', '--', '--version']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout.trim()).toBe(`chainwatch 0.1.0 (node v${pinned})`);
    const cli = await npm(['run', '--silent', 'chainwatch', '--', '--version']);
    expect(cli.stdout.trim()).toBe(`chainwatch 0.1.0 (node v${pinned})`);
  });
});
