/**
 * Canonicalises repeated strings and string lists (workload ids, SPIFFE IDs, principals, scope
 * sets) so thousands of sessions share one instance instead of each holding its own copy parsed
 * from its events. Bounded: when full it starts over (entries already handed out stay valid).
 * Unlike the Interner it never loses information.
 */
export class StringPool {
  private strings = new Map<string, string>();
  private lists = new Map<string, readonly string[]>();

  constructor(private readonly cap = 100_000) {}

  str(s: string): string {
    const got = this.strings.get(s);
    if (got !== undefined) return got;
    if (this.strings.size >= this.cap) this.strings = new Map();
    // Store a flat copy: a string sliced or concatenated from a larger one would keep that alive.
    const flat = ` ${s}`.slice(1);
    this.strings.set(flat, flat);
    return flat;
  }

  list(xs: readonly string[]): readonly string[] {
    if (xs.length === 0) return EMPTY;
    const key = xs.join('\u0000');
    const got = this.lists.get(key);
    if (got !== undefined) return got;
    if (this.lists.size >= this.cap) this.lists = new Map();
    const frozen = Object.freeze(xs.map((x) => this.str(x)));
    this.lists.set(key, frozen);
    return frozen;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);
