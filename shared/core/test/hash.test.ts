import { describe, expect, it } from 'vitest';
import { fnv1a32, hash52 } from '../src/state/hash';

describe('hash52', () => {
  it('is the two FNV-1a lanes: the default seed low, 20 bits of seed 0x2f1b3c4d high (stored hashes depend on it)', () => {
    const texts = ['', 'a', 'w:deploy', 'sess-147f891504aad4be', '01161cf4-4ed3-42c4-97ab-7a4df99771d7', 'é✓𝄞 mixed ünïcode', 'x'.repeat(1000)];
    for (let i = 0; i < 200; i++) texts.push(String.fromCharCode(...Array.from({ length: i % 40 }, (_, j) => (i * 7919 + j * 104729) % 65536)));
    for (const t of texts) {
      const want = (fnv1a32(t, 0x2f1b3c4d) & 0xfffff) * 0x100000000 + fnv1a32(t);
      expect(hash52(t), JSON.stringify(t)).toBe(want);
      expect(Number.isSafeInteger(hash52(t))).toBe(true);
    }
    expect(hash52('w:deploy')).toBe(hash52('w:deploy'));
    expect(hash52('')).toBe(0xb3c4d * 0x100000000 + 0x811c9dc5);
  });
});
