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
  readonly exp: number;
  s: string | string[];
  t: string | string[];
  readonly ev: string;
}

function addTo(cur: string | string[], v: string): string | string[] {
  if (typeof cur === 'string') return cur === v ? cur : [cur, v];
  return cur.includes(v) || cur.length >= PER_TOKEN ? cur : cur.concat(v);
}

const asList = (v: string | string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

export class CredentialIndex {
  private readonly byToken = new Map<string, Entry>();

  constructor(private readonly cap = 200_000) {}

  get(tokenId: string): CredentialUse | undefined {
    const e = this.byToken.get(tokenId);
    return e === undefined ? undefined : { issuedAt: e.iat, expiresAt: e.exp, sessions: asList(e.s), tasks: asList(e.t), firstEvent: e.ev };
  }

  record(tokenId: string, issuedAt: number, expiresAt: number, sessionId: string, taskId: string, eventId: string): void {
    const e = this.byToken.get(tokenId);
    if (e === undefined) {
      if (this.byToken.size >= this.cap) {
        const oldest = this.byToken.keys().next();
        if (oldest.done !== true) this.byToken.delete(oldest.value);
      }
      this.byToken.set(tokenId, { iat: issuedAt, exp: expiresAt, s: sessionId, t: taskId, ev: eventId });
      return;
    }
    e.s = addTo(e.s, sessionId);
    e.t = addTo(e.t, taskId);
  }

  /** Forgets tokens that expired before `cutoff` (oldest first, stops at the first live one). */
  evictExpired(cutoff: number): void {
    for (const [id, e] of this.byToken) {
      if (e.exp >= cutoff) break;
      this.byToken.delete(id);
    }
  }

  get size(): number {
    return this.byToken.size;
  }
}
