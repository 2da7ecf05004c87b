import { describe, expect, it } from 'vitest';
import { LruCache } from '../src/lru-cache';

const keys = (c: LruCache<string, number>, all: readonly string[]): string[] => all.filter((k) => c.get(k) !== undefined);

describe('LruCache', () => {
  it('holds at most its capacity, evicting the oldest entry first', () => {
    const c = new LruCache<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) c.set(k, i);
    expect(c.size).toBe(3);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBeUndefined();
    expect(c.get('e')).toBe(4);
  });

  it('keeps an entry used since it drifted into the older half, and evicts the one nobody asked for', () => {
    const c = new LruCache<string, number>(4);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) c.set(k, i);
    expect(c.get('a')).toBe(0);
    c.set('e', 4);
    expect(keys(c, ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'c', 'd', 'e']);
  });

  it('an entry hit over and over survives a stream of new keys', () => {
    const c = new LruCache<string, number>(8);
    let misses = 0;
    for (let i = 0; i < 1_000; i++) {
      c.set(`k${i}`, i);
      if (c.get('hot') === undefined) {
        misses++;
        c.set('hot', -1);
      }
    }
    expect(misses).toBe(1);
    expect(c.size).toBe(8);
  });

  it('replaces the value of a key already held, and stores nothing with capacity 0', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('a', 2);
    expect(c.get('a')).toBe(2);
    expect(c.size).toBe(1);
    const off = new LruCache<string, number>(0);
    off.set('a', 1);
    expect(off.get('a')).toBeUndefined();
    expect(off.size).toBe(0);
  });
});
