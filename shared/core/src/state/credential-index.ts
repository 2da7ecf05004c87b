/**
 * Engine-wide index of credentials seen: token id → lifetime, sessions and tasks that used it.
 * Capped: the oldest tokens are forgotten first (insertion order); each token keeps a few
 * sessions and tasks, enough to prove reuse. Most tokens serve one session and one task, so the
 * common case holds plain strings, not lists.
 */
export interface CredentialUse {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly sessions: readonly string[];
  readonly tasks: readonly string[];
  readonly firstEvent: string;
}

const PER_TOKEN = 4;

interface Entry {
  readonly iat: number;
  /**
   * expires_at − issued_at: for ordinary lifetimes a small integer held inline, where a second
   * absolute time would be a boxed double. NaN when the difference does not restore expires_at
   * exactly (non-integer times); expires_at is then kept in CredentialIndex.exactExp.
   */
  readonly life: number;
  s: string | string[];
  t: string | string[];
  readonly ev: string;
}

function addTo(cur: string | string[], v: string): string | string[] {
  if (typeof cur === 'string') return cur === v ? cur : [cur, v];
  return cur.includes(v) || cur.length >= PER_TOKEN ? cur : cur.concat(v);
}

/** The first of `v` other than `not`. */
function firstOther(v: string | string[], not: string): string | undefined {
  if (typeof v === 'string') return v === not ? undefined : v;
  for (const x of v) if (x !== not) return x;
  return undefined;
}

export interface TokenReuse {
  /** The first other session that used the token. */
  readonly session: string;
  /** The first other task that used it (undefined when none). */
  readonly task: string | undefined;
  readonly firstEvent: string;
}

const asList = (v: string | string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

export class CredentialIndex {
  private readonly byToken = new Map<string, Entry>();
  /** expires_at of the (rare) entries whose lifetime is not exact as a difference. */
  private readonly exactExp = new Map<string, number>();

  constructor(private readonly cap = 200_000) {}

  private expOf(tokenId: string, e: Entry): number {
    return Number.isNaN(e.life) ? (this.exactExp.get(tokenId) ?? Number.NaN) : e.iat + e.life;
  }

  private forget(tokenId: string): void {
    this.byToken.delete(tokenId);
    if (this.exactExp.size > 0) this.exactExp.delete(tokenId);
  }

  get(tokenId: string): CredentialUse | undefined {
    const e = this.byToken.get(tokenId);
    if (e === undefined) return undefined;
    return { issuedAt: e.iat, expiresAt: this.expOf(tokenId, e), sessions: asList(e.s), tasks: asList(e.t), firstEvent: e.ev };
  }

  /**
   * Another session used this token: the first such session, and the first task other than
   * `taskId` that used it (undefined when none, or when `taskId` is undefined). Null when the token is
   * unknown or only `sessionId` used it. What get() answers, without building its lists (this runs
   * on every request that carries a credential).
   */
  reuse(tokenId: string, sessionId: string, taskId: string | undefined): TokenReuse | null {
    const e = this.byToken.get(tokenId);
    if (e === undefined) return null;
    const session = firstOther(e.s, sessionId);
    if (session === undefined) return null;
    const task = taskId === undefined ? undefined : firstOther(e.t, taskId);
    return { session, task, firstEvent: e.ev };
  }

  record(tokenId: string, issuedAt: number, expiresAt: number, sessionId: string, taskId: string, eventId: string): void {
    const e = this.byToken.get(tokenId);
    if (e === undefined) {
      if (this.byToken.size >= this.cap) {
        const oldest = this.byToken.keys().next();
        if (oldest.done !== true) this.forget(oldest.value);
      }
      let life = expiresAt - issuedAt;
      if (issuedAt + life !== expiresAt) {
        life = Number.NaN;
        this.exactExp.set(tokenId, expiresAt);
      }
      this.byToken.set(tokenId, { iat: issuedAt, life, s: sessionId, t: taskId, ev: eventId });
      return;
    }
    e.s = addTo(e.s, sessionId);
    e.t = addTo(e.t, taskId);
  }

  /** Forgets tokens that expired before `cutoff` (oldest first, stops at the first live one). */
  evictExpired(cutoff: number): void {
    for (const [id, e] of this.byToken) {
      if (this.expOf(id, e) >= cutoff) break;
      this.forget(id);
    }
  }

  get size(): number {
    return this.byToken.size;
  }
}
