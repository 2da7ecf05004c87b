/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
import { describe, expect, it } from 'vitest';
import { ProgressReporter, renderBar } from '../src/console/progress-bar';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns: 120, write: (c: string) => (chunks.push(c), true) } };
}

describe('progress', () => {
  it('renders a bar for a fraction', () => {
    expect(renderBar(0, 10)).toBe('[          ]   0%');
    expect(renderBar(0.5, 10)).toBe('[=====>    ]  50%');
    expect(renderBar(1, 10)).toBe('[==========] 100%');
    expect(renderBar(7, 10)).toBe('[==========] 100%');
  });

  it('redraws one line in place on a terminal and ends it on finish', () => {
    const { chunks, s } = stream(true);
    const p = new ProgressReporter(s, { label: 'replay:' });
    p.update({ done: 25, total: 100, detail: '10 lines sent' });
    p.update({ done: 100, total: 100, detail: '40 lines sent' });
    p.finish();
    expect(chunks[0]).toMatch(/^\rreplay: \[=+> +\] +25% 10 lines sent\x1b\[K$/);
    expect(chunks[1]).toMatch(/^\rreplay: \[=+\] 100% 40 lines sent/);
    expect(chunks[2]).toBe('\n');
  });

  it('draws the whole line on a terminal that reports no width', () => {
    const chunks: string[] = [];
    const p = new ProgressReporter({ isTTY: true, columns: 0, write: (c: string) => (chunks.push(c), true) }, { label: 'replay:' });
    p.update({ done: 1, total: 2, detail: '10 lines sent, 10 accepted' });
    expect(chunks[0]).toContain('50% 10 lines sent, 10 accepted');
  });

  it('writes plain lines, at most one per interval, when not on a terminal', () => {
    const { chunks, s } = stream(false);
    let now = 0;
    const p = new ProgressReporter(s, { label: 'replay:', plainIntervalMs: 1000, now: () => now });
    p.update({ done: 1, total: 4, detail: 'a' });
    now = 500;
    p.update({ done: 2, total: 4, detail: 'b' });
    now = 1500;
    p.update({ done: 3, total: 4, detail: 'c' });
    p.finish();
    expect(chunks).toEqual(['replay: (25%) a\n', 'replay: (75%) c\n']);
  });
});
