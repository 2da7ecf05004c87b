/**
 * A bounded map that keeps the recently used entries: insertion order of a Map is the recency
 * order, and the oldest entry is evicted first. A hit moves its entry to the young end only when it
 * has drifted into the older half, so most hits (repeated commands come in bursts) only read the
 * Map: an entry used within the last capacity/2 insertions is never the one evicted.
 */
interface Slot<V> {
  readonly value: V;
  /** Insertion count when the entry last went to the young end. */
  at: number;
}

export class LruCache<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  private inserted = 0;
  private readonly half: number;

  constructor(private readonly capacity: number) {
    this.half = Math.max(1, capacity >> 1);
  }

  get(key: K): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    if (this.inserted - slot.at >= this.half) {
      this.map.delete(key);
      this.map.set(key, slot);
      slot.at = ++this.inserted;
    }
    return slot.value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, { value, at: ++this.inserted });
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
