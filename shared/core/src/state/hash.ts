/**
 * Small non-cryptographic hashes for bounded state: 32-bit FNV-1a, and a 52-bit variant (two
 * FNV lanes) that fits losslessly in a double, for keys where collisions must be negligible
 * (event ids, entities). Deterministic across processes; never used for security decisions.
 */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * 52-bit hash as a safe integer (exactly representable in a double): FNV-1a with the default seed
 * in the low 32 bits, with seed 0x2f1b3c4d in the 20 high bits. Both lanes in one pass (this runs
 * several times per event); equal to `(fnv1a32(s, 0x2f1b3c4d) & 0xfffff) * 2^32 + fnv1a32(s)`.
 */
export function hash52(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x2f1b3c4d;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (b & 0xfffff) * 0x100000000 + (a >>> 0);
}

/** 64-bit hex digest (two FNV lanes), for ids derived from content. */
export function hex64(s: string): string {
  const a = fnv1a32(s);
  const b = fnv1a32(s, 0x9e3779b9);
  return b.toString(16).padStart(8, '0') + a.toString(16).padStart(8, '0');
}
