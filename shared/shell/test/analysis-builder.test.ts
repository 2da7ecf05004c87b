import { describe, expect, it } from 'vitest';
import { collapseSpace, isSpaceUnit } from '../src/analysis-builder';

describe('command text', () => {
  it('is white space to the builder exactly where it is to \\s', () => {
    for (let c = 0; c <= 0xffff; c++) expect(isSpaceUnit(c), c.toString(16)).toBe(/\s/.test(String.fromCharCode(c)));
  });

  it('collapses runs of white space and trims, and leaves text without them as it is', () => {
    const cases = ['git status', '', ' ', 'a  b', ' a', 'a ', 'a\tb', 'a\nb', 'a\u00a0b', '\u3000a', 'a b c', 'x  ', '  ', 'é b'];
    for (const t of cases) expect(collapseSpace(t), JSON.stringify(t)).toBe(t.replace(/\s+/g, ' ').trim());
    const plain = 'git commit -m fix';
    expect(collapseSpace(plain)).toBe(plain);
  });
});
