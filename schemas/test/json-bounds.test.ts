import { describe, expect, it } from 'vitest';
import { LIMITS } from '../src/common';
import { ToolArgs } from '../src/agent-action';
import { jsonBoundsViolation } from '../src/json-bounds';

const bounds = { maxDepth: LIMITS.argsDepth, maxLength: LIMITS.argsBytes };

/** An object nested `levels` deep: { k: { k: ... { } } } (the top level counts as 1). */
function nested(levels: number): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  let cur = top;
  for (let i = 1; i < levels; i++) {
    const next: Record<string, unknown> = {};
    cur.k = next;
    cur = next;
  }
  return top;
}

describe('jsonBoundsViolation (tool arguments, checked without recursion)', () => {
  it('gives exactly the length JSON.stringify would, on varied values', () => {
    const samples: unknown[] = [
      { a: 1, b: 'two', c: [true, false, null, 1.5e-7, -0], d: { e: 'quote " backslash \\ tab \t nl \n' } },
      { emoji: '😀 é ü', empty: {}, arr: [], nestedArr: [[[]]], n: Number.MAX_SAFE_INTEGER },
      { skipped: undefined, kept: [undefined, 1], nan: Number.NaN, inf: Infinity },
      { '': '', 'key with "quotes"': 'v\u0001' },
    ];
    for (const v of samples) {
      const exact = JSON.stringify(v).length;
      expect(jsonBoundsViolation(v, { maxDepth: 10, maxLength: exact })).toBeNull();
      expect(jsonBoundsViolation(v, { maxDepth: 10, maxLength: exact - 1 })).toBe('length');
    }
  });

  it('refuses nesting past the bound and accepts it at the bound', () => {
    expect(jsonBoundsViolation(nested(LIMITS.argsDepth), bounds)).toBeNull();
    expect(jsonBoundsViolation(nested(LIMITS.argsDepth + 1), bounds)).toBe('depth');
  });

  it('handles 100,000 levels (arrays and objects) without overflowing the stack', () => {
    let deepArray: unknown = [];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    expect(jsonBoundsViolation(deepArray, bounds)).toBe('depth');
    expect(jsonBoundsViolation(nested(100_000), bounds)).toBe('depth');
    // JSON.stringify itself would throw here: the old refinement did.
    expect(() => JSON.stringify(nested(100_000))).toThrow(RangeError);
  });

  it('refuses lone surrogates in keys and nested strings, accepts pairs', () => {
    expect(jsonBoundsViolation({ a: ['x', { b: 'y\ud800' }] }, bounds)).toBe('ill_formed');
    expect(jsonBoundsViolation({ ['k\udc00']: 1 }, bounds)).toBe('ill_formed');
    expect(jsonBoundsViolation({ a: 'pair \ud83d\ude00' }, bounds)).toBeNull();
  });

  it('refuses values JSON cannot hold', () => {
    expect(jsonBoundsViolation({ a: 10n }, bounds)).toBe('not_json');
  });

  it('stops early on a huge array instead of walking it', () => {
    expect(jsonBoundsViolation({ a: new Array(1_000_000).fill(0) }, bounds)).toBe('length');
  });
});

describe('ToolArgs', () => {
  it('answers a validation issue, never throws, for 10,000 levels of nesting', () => {
    const result = ToolArgs.safeParse(nested(10_000));
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/nest at most 32 levels/);
  });

  it('keeps the size bound', () => {
    expect(ToolArgs.safeParse({ q: 'x'.repeat(LIMITS.argsBytes) }).success).toBe(false);
    expect(ToolArgs.safeParse({ q: 'x'.repeat(LIMITS.argsBytes - 10) }).success).toBe(true);
  });

  it('names an ill-formed string without echoing it', () => {
    const result = ToolArgs.safeParse({ q: { r: 'secret \ud800' } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).not.toContain('secret');
  });
});
