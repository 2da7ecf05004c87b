/**
 * The plain-command shortcut gives the analysis the grammar gives, on generated plain lines too;
 * the few plain lines the grammar reads its own way go to it.
 */
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBashGrammar } from '../src/bash-grammar';
import { DEFAULT_LIMITS } from '../src/limits';
import { plainWords } from '../src/plain-command';
import { shellAnalyzerWith, type ShellAnalyzer } from '../src/shell-analyzer';

let fast: ShellAnalyzer;
let parsed: ShellAnalyzer;
beforeAll(async () => {
  const grammar = await loadBashGrammar();
  // A generous parse budget: a loaded machine must not turn a parse into a difference.
  const limits = { ...DEFAULT_LIMITS, cacheEntries: 0, parseBudgetMs: 60_000 };
  fast = shellAnalyzerWith(grammar, limits, true);
  parsed = shellAnalyzerWith(grammar, limits, false);
});

describe('plain command lines', () => {
  it('go to the grammar when it reads them its own way', () => {
    for (const line of ['unset X', 'unsetenv X', 'export https://x.example.com', 'local a b', 'a@b c', 'ab%c d', 'a+:b', '- x', 'test a == b', 'echo =~ x']) {
      expect(plainWords(line), line).toBeNull();
      expect(fast.analyze(line), line).toEqual(parsed.analyze(line));
    }
  });

  it('give the analysis the grammar gives, on generated lines', () => {
    let s = 7;
    const r = (): number => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const chars = 'abAZ_09-./:@%+,=~';
    const atom = (): string => {
      const k = Math.floor(r() * 4);
      if (k === 0) return `'${pick(['', 'a b', '$x', '"', 'é', '\\'])}'`;
      if (k === 1) return `"${pick(['', 'a b', "'", 'é', ' x ', '#'])}"`;
      return Array.from({ length: 1 + Math.floor(r() * 4) }, () => chars[Math.floor(r() * chars.length)]).join('');
    };
    const word = (): string => Array.from({ length: 1 + Math.floor(r() * 3) }, atom).join('');
    const names = ['git', 'a', '-', 'unset', 'a@b', 'x%y', '@x', '%x', 'test', 'export', 'local', 'rm', 'cp', 'curl', 'sudo', 'env', '7z'];
    const args = ['==', '=~', '=', '=x', 'a', '-rf', '/etc/passwd', 'A=1', 'https://x.example.com', '~/.ssh/id_rsa'];
    let plain = 0;
    for (let i = 0; i < 8_000; i++) {
      const words = [r() < 0.5 ? pick(names) : word()];
      for (let k = Math.floor(r() * 4); k > 0; k--) words.push(r() < 0.4 ? pick(args) : word());
      const line = (r() < 0.1 ? ' ' : '') + words.join(pick([' ', '  ']));
      if (plainWords(line) === null) continue;
      plain++;
      const a = fast.analyze(line);
      const b = parsed.analyze(line);
      if (!isDeepStrictEqual(a, b)) expect.fail(`${JSON.stringify(line)}\nfast: ${JSON.stringify(a)}\ngrammar: ${JSON.stringify(b)}`);
    }
    expect(plain).toBeGreaterThan(2_000);
  });
});
