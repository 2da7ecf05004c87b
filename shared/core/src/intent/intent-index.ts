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

  constructor(private readonly cap = 10_000, private readonly maxKeys = 64) {}

  hashes(intent: string | undefined): readonly number[] | null {
    if (intent === undefined || intent === '') return null;
    const hit = this.cache.get(intent);
    if (hit !== undefined) return hit;
    // Words and entities are read once for both kinds of key.
    const words = wordsOf(intent);
    const entities = extractEntitiesFromText(intent);
    const seen = new Set<number>();
    const buf = new Float64Array(this.maxKeys);
    let n = 0;
    for (const keys of [taskCapabilityKeys(intent, words, entities), taskTextKeys(intent, words, entities)]) {
      for (const k of keys) {
        if (n >= this.maxKeys) break;
        const h = hash52(k);
        if (seen.has(h)) continue;
        seen.add(h);
        buf[n++] = h;
      }
    }
    // Numeric order (the hashes are distinct non-negative integers): a typed array sorts without a comparator.
    const sorted = buf.subarray(0, n).sort();
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(sorted[i]!);
    const arr = n === 0 ? null : Object.freeze(out);
    if (this.cache.size >= this.cap) this.cache.clear();
    this.cache.set(intent, arr);
    return arr;
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
