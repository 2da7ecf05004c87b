/**
 * The analyses of the whole shell corpus, pinned: a digest of every command of every shell call
 * (3,000 traces, seed 1), as the analyser gives them (cache and plain-command fast path on). A
 * change meant only to make the analyser faster must leave this digest as it is; a change of what
 * the analyser reports updates it on purpose, in the same commit.
 *
 * The digest is over a canonical form (object keys sorted, absent and undefined alike), so it
 * pins what `toEqual` compares, not the order in which an object's fields were written.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createShellAnalyzer, shellCommandOf, type ShellAnalysis, type ShellAnalyzer } from '@chainwatch/shell';
import { generateCorpus } from '@chainwatch/simulator';

/** sha256 of the canonical analyses of every shell call of generateCorpus({ suite: 'shell', traces: 3000, seed: 1 }). */
const GOLDEN_DIGEST = 'ff1c982e2a9faf39fd569d5574197a13c9772987ab270a2477f7f3703a2fe95b';
const GOLDEN_CALLS = 15_936;

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

const corpus = generateCorpus({ suite: 'shell', traces: 3_000, seed: 1 });
const commands: string[] = [];
for (const e of corpus.events) {
  const c = shellCommandOf(e.action.tool, e.action.args ?? {});
  if (c !== null) commands.push(c.command);
}

let analyzer: ShellAnalyzer;
beforeAll(async () => {
  analyzer = await createShellAnalyzer();
});

describe('analyses of the whole shell corpus', () => {
  it('are the ones recorded (digest of every shell call, in order)', () => {
    const hash = createHash('sha256');
    for (const c of commands) {
      hash.update(c);
      hash.update('\u0000');
      hash.update(canonical(analyzer.analyze(c)));
      hash.update('\n');
    }
    expect(commands.length).toBe(GOLDEN_CALLS);
    expect(hash.digest('hex')).toBe(GOLDEN_DIGEST);
  });

  it('are the same with the cache off and with every command parsed (no fast path)', async () => {
    const uncached = await createShellAnalyzer({ cacheEntries: 0 });
    const parsed = await createShellAnalyzer({ cacheEntries: 0 }, { fastPath: false });
    const distinct = [...new Set(commands)];
    expect(distinct.length).toBeGreaterThan(5_000);
    for (const c of distinct) {
      const want: ShellAnalysis = analyzer.analyze(c);
      expect(uncached.analyze(c), c).toEqual(want);
      expect(parsed.analyze(c), c).toEqual(want);
    }
  });
});
