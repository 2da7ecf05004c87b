/**
 * Human approvals of step-ups, held in the sessions they belong to (so checkpoints and signals
 * carry them), or kept aside until a session the engine does not hold yet appears. An approval
 * unlocks its exact action once per path: the request path marks it used, the stream path ran.
 */
import type { ApprovalRecord } from '../engine-api';
import { mergeApprovals, type SessionApproval, type SessionState } from '../state/session-state';
import type { SessionStore } from './session-store';

/** Approval lifetime when the record names no expiry: 15 minutes, the decision API's binding TTL default. */
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;
/** Sessions with approvals waiting for the session to appear (oldest dropped beyond this). */
const MAX_PENDING_SESSIONS = 10_000;
const NO_APPROVALS: readonly SessionApproval[] = Object.freeze([]);

/** An unexpired approval of the action with this digest, not yet spent on this path. */
export function findApproval(recs: readonly SessionApproval[], digest: string, at: number, path: 'used' | 'ran'): SessionApproval | undefined {
  for (const r of recs) if (!r[path] && r.d === digest && r.exp >= at) return r;
  return undefined;
}

export class ApprovalBook {
  /** Approvals for sessions the engine does not hold (yet). */
  private readonly pending = new Map<string, readonly SessionApproval[]>();

  constructor(private readonly sessions: SessionStore) {}

  /** The approvals that apply to a session id, held or pending. */
  forSession(sid: string): readonly SessionApproval[] {
    return this.sessions.get(sid)?.approvals ?? this.pending.get(sid) ?? NO_APPROVALS;
  }

  record(a: ApprovalRecord): boolean {
    const id = a.id ?? a.actionDigest;
    const s = this.sessions.get(a.sessionId);
    const current = s !== undefined ? s.approvals : (this.pending.get(a.sessionId) ?? NO_APPROVALS);
    let next: readonly SessionApproval[];
    if (a.approved) {
      const rec: SessionApproval = { id, d: a.actionDigest, rules: [...a.ruleIds], exp: a.expiresAt ?? a.ts + DEFAULT_APPROVAL_TTL_MS, used: a.used ?? false, ran: false };
      next = mergeApprovals(current, [rec]);
    } else {
      // A rejection revokes an approval of the same binding or action, if one was recorded.
      next = current.filter((r) => r.id !== id && r.d !== a.actionDigest);
    }
    if (next === current) return false;
    if (s !== undefined) {
      s.approvals = next;
      return true;
    }
    this.pending.delete(a.sessionId);
    if (next.length > 0) this.pending.set(a.sessionId, next);
    if (this.pending.size > MAX_PENDING_SESSIONS) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    return false;
  }

  /** A session appears: it adopts the approvals waiting for it. */
  adoptPending(s: SessionState): void {
    const waiting = this.pending.get(s.sid);
    if (waiting === undefined) return;
    this.pending.delete(s.sid);
    s.approvals = mergeApprovals(s.approvals, waiting);
  }

  /** The approved action's event runs: returns the rule ids it covers (once), or null. */
  useOnStream(s: SessionState, digest: string, ts: number): readonly string[] | null {
    const rec = findApproval(s.approvals, digest, ts, 'ran');
    if (rec === undefined) return null;
    s.approvals = s.approvals.map((r) => (r === rec ? { ...r, ran: true } : r));
    return rec.rules;
  }

  evictExpired(now: number): void {
    for (const [sid, recs] of this.pending) if (recs.every((r) => r.exp < now)) this.pending.delete(sid);
  }
}
