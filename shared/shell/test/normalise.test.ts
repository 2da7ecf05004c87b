import { describe, expect, it } from 'vitest';
import { normalisePath, normaliseSegments } from '../src/normalise';

describe('normalisePath', () => {
  it('resolves ., .. and repeated slashes; keeps relative paths relative', () => {
    expect(normalisePath('/etc//ssh/./sshd_config')).toBe('/etc/ssh/sshd_config');
    expect(normalisePath('a/b/../c/')).toBe('a/c');
    expect(normalisePath('../x')).toBe('../x');
    expect(normalisePath('/../x')).toBe('/x');
    expect(normalisePath('~/..')).toBe('~/..');
    expect(normalisePath('./')).toBe('.');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('src/index.ts')).toBe('src/index.ts');
    expect(normalisePath('')).toBe('');
  });

  it('returns a path already in normal form as it is, and every other the long way, alike', () => {
    // Every string of up to five fragments from an alphabet of the cases that matter.
    const fragments = ['/', '.', 'a', '~', '..', 'b/', '/.', 'x.y', '...', '.a'];
    let checked = 0;
    const walk = (s: string, depth: number): void => {
      expect(normalisePath(s), JSON.stringify(s)).toBe(normaliseSegments(s));
      checked++;
      if (depth > 0) for (const f of fragments) walk(s + f, depth - 1);
    };
    walk('', 5);
    expect(checked).toBeGreaterThan(100_000);
  });
});
