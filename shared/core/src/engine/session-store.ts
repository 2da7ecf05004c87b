/**
 * The engine's sessions: a map in least-recently-created order (the cap drops the oldest first)
 * and the trace index (trace id → its sessions), so a whole delegation tree is checkpointed,
 * restored and evicted together.
 */
import type { SessionState } from '../state/session-state';

export class SessionStore {
  private readonly sessions = new Map<string, SessionState>();
  /** trace id → its session id, or ids when several (most traces have one session). */
  private readonly traces = new Map<string, string | string[]>();

  constructor(private readonly maxSessions: number) {}

  get size(): number {
    return this.sessions.size;
  }

  get(sid: string): SessionState | undefined {
    return this.sessions.get(sid);
  }

  /** Holds a session (replacing one with the same id) and indexes it under its trace. */
  put(s: SessionState): void {
    this.sessions.set(s.sid, s);
    const cur = this.traces.get(s.tid);
    if (cur === undefined) this.traces.set(s.tid, s.sid);
    else if (typeof cur === 'string') {
      if (cur !== s.sid) this.traces.set(s.tid, [cur, s.sid]);
    } else if (!cur.includes(s.sid)) cur.push(s.sid);
  }

  traceSessions(tid: string): readonly string[] {
    const cur = this.traces.get(tid);
    return cur === undefined ? [] : typeof cur === 'string' ? [cur] : cur;
  }

  /** Drops a session; returns its trace id when that was the trace's last session. */
  drop(sid: string): string | null {
    const s = this.sessions.get(sid);
    if (s === undefined) return null;
    this.sessions.delete(sid);
    const cur = this.traces.get(s.tid);
    if (cur === undefined) return null;
    if (typeof cur === 'string' || cur.length <= 1) {
      if (typeof cur === 'string' ? cur === sid : cur[0] === sid) {
        this.traces.delete(s.tid);
        return s.tid;
      }
      return null;
    }
    const rest = cur.filter((x) => x !== sid);
    this.traces.set(s.tid, rest.length === 1 ? rest[0]! : rest);
    return null;
  }

  /** Enforces the cap: drops the oldest-created sessions first (Map insertion order). */
  enforceCap(): void {
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.drop(oldest.value);
    }
  }

  /** Drops sessions idle since before `cutoff`; returns the trace ids dropped entirely. O(sessions). */
  evictIdleBefore(cutoff: number): string[] {
    const dropped: string[] = [];
    for (const [sid, s] of this.sessions) {
      if ((s.lastTs || s.firstTs) >= cutoff) continue;
      const t = this.drop(sid);
      if (t !== null) dropped.push(t);
    }
    return dropped;
  }
}
