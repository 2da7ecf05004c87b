/**
 * vitest global setup: builds every package (`turbo run build`, cached when nothing changed)
 * before the tests run. The tests themselves import the TypeScript sources (vitest resolves the
 * packages' `development` export condition); the few that run what ships (the image's
 * ENTRYPOINT, the built decision API's footprint) need dist/ to be current.
 * CHAINWATCH_TEST_SKIP_BUILD=1 skips it (dist/ built by hand).
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export default async function setup(): Promise<void> {
  if (process.env.CHAINWATCH_TEST_SKIP_BUILD === '1') return;
  const started = Date.now();
  try {
    await promisify(execFile)(join(repoRoot, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: repoRoot, maxBuffer: 16 << 20, timeout: 300_000 });
  } catch (err) {
    const out = err as { stdout?: string; stderr?: string };
    throw new Error(`turbo run build failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  }
  console.log(`[chainwatch tests] packages built (turbo run build, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
