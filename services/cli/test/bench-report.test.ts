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
    expect(doc).toContain('| writer / bare | 0.766 | ≥ 0.8 |');
    expect(doc).toMatch(/Not run yet: `core`, `decisions`, `processor`/);
  });

  it('replaces the sections of the suites it ran and keeps the others', () => {
    const first = renderBenchDoc(null, { core: { events_per_s: 100_000, bytes_per_session_1m: 1900, heap_mb_1m: 1800 }, writer: { writer_rows_per_s: 1, bare_rows_per_s: 2, ratio: 0.5 } }, info('first'));
    const second = renderBenchDoc(first, { writer: { writer_rows_per_s: 3, bare_rows_per_s: 4, ratio: 0.75 } }, info('second'));
    expect(second).toContain('| observe throughput, every detector + shipped rules | 100,000 events/s | ≥ 50,000 |');
    expect(second).toContain('`first`');
    expect(second).toContain('| writer / bare | 0.750 | ≥ 0.8 |');
    expect(second).not.toContain('| writer / bare | 0.500');
    expect(second.indexOf('bench:core')).toBeLessThan(second.indexOf('bench:writer'));
  });
});
