/**
 * Number → number maps for the small maps of session state (tool counts, transitions,
 * destinations, output entities), stored as one flat array of interleaved keys and values.
 * A JS Map costs ~300 bytes even when nearly empty and a wrapper object another 32; a bare
 * exact-size array with linear lookup is an order of magnitude smaller and, for the few dozen
 * entries these maps hold, faster than hashing. `null` is the empty map.
 */
export type Pairs = number[] | null;

function indexOf(kv: readonly number[], k: number): number {
  for (let i = 0; i < kv.length; i += 2) if (kv[i] === k) return i;
  return -1;
}

export function pairsSize(kv: Pairs): number {
  return kv === null ? 0 : kv.length >> 1;
}

export function pairsHas(kv: Pairs, k: number): boolean {
  return kv !== null && indexOf(kv, k) >= 0;
}

export function pairsGet(kv: Pairs, k: number): number | undefined {
  if (kv === null) return undefined;
  const i = indexOf(kv, k);
  return i < 0 ? undefined : kv[i + 1];
}

/** Sets k → v; returns the map to keep (a new exact-size array when k was absent). */
export function pairsSet(kv: Pairs, k: number, v: number): number[] {
  if (kv === null) return [k, v];
  const i = indexOf(kv, k);
  if (i >= 0) {
    kv[i + 1] = v;
    return kv;
  }
  return kv.concat(k, v);
}

export function pairsKeys(kv: Pairs): number[] {
  const out: number[] = [];
  if (kv !== null) for (let i = 0; i < kv.length; i += 2) out.push(kv[i] ?? 0);
  return out;
}

export function pairsEntries(kv: Pairs): [number, number][] {
  const out: [number, number][] = [];
  if (kv !== null) for (let i = 0; i < kv.length; i += 2) out.push([kv[i] ?? 0, kv[i + 1] ?? 0]);
  return out;
}

export function pairsFrom(entries: ReadonlyArray<readonly [number, number]>): Pairs {
  if (entries.length === 0) return null;
  const kv: number[] = [];
  for (const [k, v] of entries) kv.push(k, v);
  return kv;
}
