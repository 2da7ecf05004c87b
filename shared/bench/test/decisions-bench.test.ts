/**
 * `bench decisions`, run short: the built decision API and the bare route, each in its own
 * process (pinned when the machine has two cores), measured by the load generator in another,
 * give every figure of the --json shape; a policy server that cannot be installed is skipped
 * with a line saying why.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDecisionsBench } from '../src/decisions';
import { ensureCerbos, ensureOpa } from '../src/bench-tools';
import { DECISION_API_NODE_OPTIONS } from '../src/decision-targets/targets';
import { REPO_ROOT } from '../src/repo-paths';

describe('bench decisions', () => {
  it('measures every figure for each target it runs, and the ratios against those that ran', async () => {
    const lines: string[] = [];
    const r = await runDecisionsBench({ warmupS: 1, roundS: 1, rounds: 1, connections: 4, fixedRate: 200, assessCalls: 2000, targets: ['bare', 'chainwatch'], runtime: 'built', log: (l) => lines.push(l) });
    for (const name of ['bare', 'chainwatch'] as const) {
      const t = r.targets[name];
      expect(t, name).toBeDefined();
      expect(t?.rps).toBeGreaterThan(50);
      expect(t?.cpu_us_per_req).toBeGreaterThan(0);
      expect(t?.p99_ms).toBeGreaterThanOrEqual(t?.p50_ms ?? Infinity);
      expect(t?.p99_fixed_rate_ms).toBeGreaterThanOrEqual(t?.p50_fixed_rate_ms ?? Infinity);
      expect(t?.rss_mb).toBeGreaterThan(20);
      expect(t?.core_share).toBeGreaterThan(0);
      expect(Math.abs(((t?.rps_per_core ?? 0) * (t?.cpu_us_per_req ?? 0)) / 1e6 - 1)).toBeLessThan(0.01);
    }
    expect(r.targets.opa).toBeUndefined();
    expect(r.ratio_vs_bare).toBeCloseTo((r.targets.chainwatch?.rps ?? 0) / (r.targets.bare?.rps ?? 1), 2);
    expect(r.ratio_vs_opa).toBeNull();
    expect(r.cpu_ratio_vs_opa).toBeNull();
    expect(r.cpu_ratio_vs_bare).toBeGreaterThan(0);
    expect(r.ratio_vs_cerbos).toBeNull();
    expect(r.assess_p99_us).toBeGreaterThan(0);
    expect(lines.some((l) => /bare, chainwatch all answer deny/.test(l))).toBe(true);
    expect(lines.some((l) => /pinned: server on core 0|NOT pinned/.test(l))).toBe(true);
  }, 120_000);

  it('skips OPA with a line saying why when it is not installed and there is no Go to install it', () => {
    const cache = mkdtempSync(join(tmpdir(), 'chainwatch-bench-cache-'));
    const saved = { cache: process.env.CHAINWATCH_CACHE, path: process.env.PATH };
    try {
      process.env.CHAINWATCH_CACHE = cache;
      process.env.PATH = '/nonexistent';
      const opa = ensureOpa(() => undefined);
      expect(opa).toEqual({ skipped: expect.stringMatching(/^OPA skipped: not in .* and no Go toolchain to install it \(go install github.com\/open-policy-agent\/opa@v1\.22\.4\)$/) });
      const cerbos = ensureCerbos(() => undefined);
      expect(cerbos).toEqual({ skipped: expect.stringMatching(/^Cerbos skipped: /) });
    } finally {
      if (saved.cache === undefined) delete process.env.CHAINWATCH_CACHE;
      else process.env.CHAINWATCH_CACHE = saved.cache;
      process.env.PATH = saved.path ?? '';
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('runs the decision API with the Node options it is deployed with', () => {
    const k8s = readFileSync(join(REPO_ROOT, 'infra', 'k8s', 'decision-api.yaml'), 'utf8');
    const compose = readFileSync(join(REPO_ROOT, 'infra', 'docker-compose.yml'), 'utf8');
    expect(/- name: NODE_OPTIONS\n\s+value: (.+)\n/.exec(k8s)?.[1]).toBe(DECISION_API_NODE_OPTIONS);
    expect(/NODE_OPTIONS: (.+)\n/.exec(compose)?.[1]).toBe(DECISION_API_NODE_OPTIONS);
  });
});
