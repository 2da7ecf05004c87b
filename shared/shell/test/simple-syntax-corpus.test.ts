/**
 * The grammar-free tree of simple command lines against the grammar, on every piece of shell code
 * the shell corpus makes the analyser parse: each command line, and the code run inside them
 * (`sh -c …`, `ssh host …`, decoded payloads).
 */
import { describe, expect, it } from 'vitest';
import { shellCommandOf } from '../src/shell-tool';
import { generateCorpus } from '@chainwatch/simulator';
import { loadBashGrammar, type BashGrammar } from '../src/bash-grammar';
import { DEFAULT_LIMITS } from '../src/limits';
import { shellAnalyzerWith } from '../src/shell-analyzer';
import { compareWithGrammar } from './syntax-equivalence';

describe('simple syntax on the shell corpus', () => {
  it('gives the grammar tree for every line it accepts, and accepts most of them', async () => {
    const grammar = await loadBashGrammar();
    const code = new Set<string>();
    const recording: BashGrammar = {
      parse(source, bounds) {
        code.add(source);
        return grammar.parse(source, bounds);
      },
    };
    // Every command parsed (no fast path), so nested code reaches the parser too.
    const analyzer = shellAnalyzerWith(recording, { ...DEFAULT_LIMITS, cacheEntries: 0 }, false);
    const corpus = generateCorpus({ suite: 'shell', traces: 3_000, seed: 1 });
    for (const e of corpus.events) {
      const c = shellCommandOf(e.action.tool, e.action.args ?? {});
      if (c !== null) analyzer.analyze(c.command);
    }
    const counts = { same: 0, declined: 0 };
    for (const line of code) {
      const r = compareWithGrammar(grammar, line);
      if (r.result === 'different') expect.fail(`${JSON.stringify(line)}\n${r.detail}`);
      counts[r.result]++;
    }
    expect(code.size).toBeGreaterThan(6_000);
    expect(counts.same).toBeGreaterThan(counts.declined * 5);
  });
});
