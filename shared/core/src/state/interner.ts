/**
 * Engine-wide string interner: tool names, agent types and other low-cardinality strings become
 * small integers in session state. Bounded: once `cap` strings are interned, new strings map to
 * the reserved id 0 ("<other>"), so a flood of random tool names cannot grow memory.
 */
export const OTHER_ID = 0;
export const OTHER_NAME = '<other>';

/** Ids fit 16 bits: session state packs them (transition keys, SessionState.agentType). */
export const MAX_INTERNED = 65_535;

export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [OTHER_NAME];
  private readonly cap: number;

  constructor(cap = MAX_INTERNED) {
    this.cap = Math.min(cap, MAX_INTERNED);
  }

  id(name: string): number {
    const got = this.ids.get(name);
    if (got !== undefined) return got;
    if (this.names.length > this.cap) return OTHER_ID;
    const id = this.names.length;
    this.names.push(name);
    this.ids.set(name, id);
    return id;
  }

  /** Lookup without interning; -1 when unknown. */
  peek(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  name(id: number): string {
    return this.names[id] ?? OTHER_NAME;
  }

  get size(): number {
    return this.names.length;
  }
}
