/**
 * Sorted 52-bit hashes of every key of a task text (capability keys first, then what it names),
 * shared between sessions with the same task text: task templates repeat, so both the work and
 * the memory are paid once. Bounded cache; a full cache starts over.
 */
import { hash52 } from '../state/hash';
import { extractEntitiesFromText } from '../catalog/extract-entities';
import { taskCapabilityKeys } from './task-asks';
import { taskTextKeys, wordsOf } from './task-words';

export class IntentIndex {
  private readonly cache = new Map<string, readonly number[] | null>();
  /** Scratch for one text's hashes (a typed array per call costs an off-heap buffer each time). */
  private readonly buf: Float64Array;

  constructor(private readonly cap = 10_000, private readonly maxKeys = 64) {
    this.buf = new Float64Array(maxKeys);
  }

  hashes(intent: string | undefined): readonly number[] | null {
    if (intent === undefined || intent === '') return null;
    const hit = this.cache.get(intent);
    if (hit !== undefined) return hit;
    // Words and entities are read once for both kinds of key.
    const words = wordsOf(intent);
    const entities = extractEntitiesFromText(intent);
    const capability = taskCapabilityKeys(intent, words, entities);
    const text = taskTextKeys(intent, words, entities);
    const arr = capability.length + text.length <= this.maxKeys ? this.sortedFew(capability, text) : this.sortedCapped(capability, text);
    if (this.cache.size >= this.cap) this.cache.clear();
    this.cache.set(intent, arr);
    return arr;
  }

  /** Keys that fit under the cap: all hashed, sorted, duplicates dropped (no set needed). */
  private sortedFew(a: readonly string[], b: readonly string[]): readonly number[] | null {
    const buf = this.buf;
    let n = 0;
    for (let i = 0; i < a.length; i++) buf[n++] = hash52(a[i]!);
    for (let i = 0; i < b.length; i++) buf[n++] = hash52(b[i]!);
    if (n === 0) return null;
    // Numeric order (non-negative integers): a typed array sorts without a comparator.
    const sorted = buf.subarray(0, n).sort();
    const out: number[] = [sorted[0]!];
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]!);
    return Object.freeze(out);
  }

  /** More keys than the cap: the first maxKeys distinct ones, in the keys' order, then sorted. */
  private sortedCapped(a: readonly string[], b: readonly string[]): readonly number[] | null {
    const seen = new Set<number>();
    for (const keys of [a, b]) {
      for (const k of keys) {
        if (seen.size >= this.maxKeys) break;
        seen.add(hash52(k));
      }
    }
    return seen.size === 0 ? null : Object.freeze([...seen].sort((x, y) => x - y));
  }
}

/** Binary search of a key in sorted task-key hashes. */
export function hasTaskKey(hashes: readonly number[] | null, key: string): boolean {
  if (hashes === null) return false;
  const h = hash52(key);
  let lo = 0;
  let hi = hashes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = hashes[mid] ?? 0;
    if (v === h) return true;
    if (v < h) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
