/**
 * The decision API without a store does not load the embedded ClickHouse engine: importing the
 * package and building the API maps no chdb library (about 140 MiB of resident pages when it is).
 * Checked in a fresh process, on the sources (development condition) and on the built package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli';

const SCRIPT = `
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { InProcessView, buildDecisionApi, createDevAuth } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { readFileSync } from 'node:fs';
const { catalog, policy, rules } = loadDefaultPolicy();
const auth = await createDevAuth();
const api = await buildDecisionApi({
  view: new InProcessView(createDetectionEngine({ catalog, policy, rules }), { caughtUp: () => true }),
  publisher: new MemoryLog(),
  auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
  logger: createLogger({ name: 'footprint', level: 'silent' }),
});
const res = await api.app.inject({ method: 'GET', url: '/healthz' });
const maps = readFileSync('/proc/self/maps', 'utf8');
process.stdout.write(JSON.stringify({ status: res.statusCode, chdb: maps.includes('chdb') }));
await api.app.close();
`;

function run(nodeArgs: readonly string[]): { status: number; chdb: boolean } {
  const out = execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', SCRIPT], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return JSON.parse(out.toString()) as { status: number; chdb: boolean };
}

describe('the decision API without a store', () => {
  it('maps no embedded ClickHouse library (sources)', () => {
    expect(run(['--conditions=development', '--import', 'tsx'])).toEqual({ status: 200, chdb: false });
  });

  it.runIf(process.platform === 'linux' && existsSync(join(REPO_ROOT, 'services', 'decision-api', 'dist', 'index.js')))(
    'maps no embedded ClickHouse library (built package)',
    () => {
      expect(run([])).toEqual({ status: 200, chdb: false });
    },
  );
});
