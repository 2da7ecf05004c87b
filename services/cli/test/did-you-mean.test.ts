import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../src/did-you-mean';

describe('did you mean', () => {
  const commands = ['start', 'processor', 'decision-api', 'trace-writer', 'migrate', 'replay', 'simulate', 'rules', 'baseline', 'corpus', 'eval', 'bench'];

  it('suggests the command a typo was meant to be', () => {
    expect(closestMatch('simulte', commands)).toBe('simulate');
    expect(closestMatch('strat', commands)).toBe('start');
    expect(closestMatch('replya', commands)).toBe('replay');
    expect(closestMatch('decision-apu', commands)).toBe('decision-api');
    expect(closestMatch('sim', commands)).toBe('simulate');
  });

  it('stays quiet for words that are not typos', () => {
    expect(closestMatch('frobnicate', commands)).toBeUndefined();
    expect(closestMatch('x', commands)).toBeUndefined();
  });

  it('counts a swap of adjacent letters as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
