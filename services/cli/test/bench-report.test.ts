import { describe, expect, it } from 'vitest';
import { renderBenchDoc } from '../src/commands/bench-report';

const info = (command: string) => ({ command, startedAt: new Date('2026-12-05T09:00:00.000Z'), load1: 0.5 });

describe('docs/benchmarks.md from bench runs', () => {
  it('writes a section per suite with the command, date, machine and figures', () => {
    const doc = renderBenchDoc(null, { writer: { writer_rows_per_s: 30250.4, bare_rows_per_s: 39478, ratio: 0.7663 } }, info('npm run bench -- writer --docs docs/benchmarks.md'));
    expect(doc).toMatch(/^# Benchmarks\n/);
    expect(doc).toContain('`npm run bench -- writer --docs docs/benchmarks.md` on 2026-12-05T09:00:00Z');
    expect(doc).toContain(`Node ${process.version}, load average 0.50 at the start`);
    expect(doc).toContain('| trace writer | 30,250 rows/s | |');
    expect(doc).toContain('| writer / bare | 0.766 | ≥ 0.9 |');
    expect(doc).toMatch(/Not run yet: `core`, `decisions`, `processor`/);
  });

  it('dates each section by the start of its own suite when given one run record per suite', () => {
    const doc = renderBenchDoc(null, { core: { events_per_s: 1 }, writer: { writer_rows_per_s: 1 } }, {
      core: { command: 'c', startedAt: new Date('2026-12-05T09:00:00.000Z'), load1: 1.25 },
      writer: { command: 'c', startedAt: new Date('2026-12-05T09:10:00.000Z'), load1: 7.5 },
    });
    expect(doc).toMatch(/`c` on 2026-12-05T09:00:00Z: .*load average 1\.25 at the start/);
    expect(doc).toMatch(/`c` on 2026-12-05T09:10:00Z: .*load average 7\.50 at the start/);
  });

  it('replaces the sections of the suites it ran and keeps the others', () => {
    const first = renderBenchDoc(null, { core: { events_per_s: 100_000, bytes_per_session_1m: 1900, heap_mb_1m: 1800 }, writer: { writer_rows_per_s: 1, bare_rows_per_s: 2, ratio: 0.5 } }, info('first'));
    const second = renderBenchDoc(first, { writer: { writer_rows_per_s: 3, bare_rows_per_s: 4, ratio: 0.75 } }, info('second'));
    expect(second).toContain('| observe throughput, every detector + shipped rules | 100,000 events/s | ≥ 50,000 |');
    expect(second).toContain('`first`');
    expect(second).toContain('| writer / bare | 0.750 | ≥ 0.9 |');
    expect(second).not.toContain('| writer / bare | 0.500');
    expect(second.indexOf('bench:core')).toBeLessThan(second.indexOf('bench:writer'));
  });

  it('writes the decision targets as one table, with the ratios and their targets, and says which targets did not run', () => {
    const figures = {
      'targets.bare.rps': 30000,
      'targets.bare.cpu_us_per_req': 27.04,
      'targets.bare.p50_ms': 1.2,
      'targets.bare.p99_ms': 2.7,
      'targets.bare.p50_fixed_rate_ms': 0.16,
      'targets.bare.p99_fixed_rate_ms': 1.06,
      'targets.bare.rss_mb': 78,
      'targets.chainwatch.rps': 13000,
      'targets.chainwatch.cpu_us_per_req': 70.5,
      'targets.chainwatch.p50_ms': 3.5,
      'targets.chainwatch.p99_ms': 6.25,
      'targets.chainwatch.p50_fixed_rate_ms': 0.25,
      'targets.chainwatch.p99_fixed_rate_ms': 1.5,
      'targets.chainwatch.rss_mb': 140.3,
      'targets.chainwatch.core_share': 0.9165,
      'targets.chainwatch.rps_per_core': 14184,
      'targets.opa.rps': 12601,
      ratio_vs_bare: 0.433,
      ratio_vs_opa: 1.032,
      assess_p99_us: 8.1,
      pinned: 1,
    };
    const doc = renderBenchDoc(null, { decisions: figures }, info('npm run bench -- decisions --docs docs/benchmarks.md'));
    expect(doc).toContain('| | req/s | server CPU µs/req | share of its core used | req/s per core (from CPU) | p50 ms (saturated) | p99 ms (saturated) | p50 ms (fixed rate) | p99 ms (fixed rate) | RSS MiB |');
    expect(doc).toContain('| bare fastify route (same answer bytes) | 30,000 | 27.0 | not run | not run | 1.20 | 2.70 | 0.16 | 1.06 | 78.0 |');
    expect(doc).toContain('| Chainwatch decision API | 13,000 | 70.5 | 0.92 | 14,184 | 3.50 | 6.25 | 0.25 | 1.50 | 140.3 |');
    expect(doc).toContain('| Open Policy Agent 1.22.4 (`opa run --server`) | 12,601 | not run | not run |');
    expect(doc).toContain('| Cerbos 0.55.0 (`cerbos server`) | not run | not run |');
    expect(doc).toContain('| Chainwatch / OPA, req/s on one core | 1.032 | ≥ 1.0 |');
    expect(doc).toContain('| Chainwatch p99 at the fixed rate, after the warm-up | 1.50 ms | ≤ 2 |');
    expect(doc).toContain('| Chainwatch RSS without a store | 140.3 MiB | ≤ 150 |');
    expect(doc).toContain('| Chainwatch / Cerbos, req/s on one core | n/a | |');
    // Table figures appear once, in the table, not again as loose figures.
    expect(doc).not.toContain('| targets.');
  });
});
