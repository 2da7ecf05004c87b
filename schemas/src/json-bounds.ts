import { isWellFormed } from './common';

export interface JsonBounds {
  /** Containers nested deeper than this are refused; the top-level value's container is level 1. */
  readonly maxDepth: number;
  /** Upper bound on the length of `JSON.stringify(value)` (UTF-16 units), computed without building it. */
  readonly maxLength: number;
}

export type JsonBoundsViolation = 'depth' | 'length' | 'ill_formed' | 'not_json';

/**
 * Checks a JSON value against depth and serialised-length bounds, and that every string and key
 * is well-formed Unicode, without recursion (an explicit stack) and without serialising it: a
 * value nested 100,000 levels deep costs a few steps, not a stack overflow. Stops at the first
 * violation; the work done is bounded by `maxLength`. The length is exactly what
 * `JSON.stringify(value).length` would give, for the values JSON can hold.
 */
export function jsonBoundsViolation(value: unknown, bounds: JsonBounds): JsonBoundsViolation | null {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let length = 0;
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (v === null || v === undefined) {
      // undefined only reaches here as an array item, which JSON.stringify writes as null.
      length += 4;
    } else if (typeof v === 'string') {
      if (v.length > bounds.maxLength) return 'length';
      if (!isWellFormed(v)) return 'ill_formed';
      length += quotedLength(v);
    } else if (typeof v === 'number') {
      length += Number.isFinite(v) ? String(v).length : 4;
    } else if (typeof v === 'boolean') {
      length += v ? 4 : 5;
    } else if (typeof v === 'object') {
      if (depth + 1 > bounds.maxDepth) return 'depth';
      if (Array.isArray(v)) {
        length += 2 + Math.max(0, v.length - 1);
        if (length > bounds.maxLength) return 'length';
        for (let i = v.length - 1; i >= 0; i--) {
          values.push(v[i]);
          depths.push(depth + 1);
        }
      } else {
        let entries = 0;
        for (const key in v) {
          if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
          const item = (v as Record<string, unknown>)[key];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
          if (key.length > bounds.maxLength) return 'length';
          if (!isWellFormed(key)) return 'ill_formed';
          length += quotedLength(key) + 1;
          entries++;
          if (length > bounds.maxLength) return 'length';
          values.push(item);
          depths.push(depth + 1);
        }
        length += 2 + Math.max(0, entries - 1);
      }
    } else {
      return 'not_json';
    }
    if (length > bounds.maxLength) return 'length';
  }
  return null;
}

/** Length of JSON.stringify(s) without allocating it for the common case of nothing to escape. */
function quotedLength(s: string): number {
  // eslint-disable-next-line no-control-regex -- the characters JSON escapes
  return /["\\\u0000-\u001f]/.test(s) ? JSON.stringify(s).length : s.length + 2;
}
