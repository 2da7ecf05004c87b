/**
 * Serialised state: a whole trace (its sessions and the credentials they used) for the processor's
 * checkpoints, and one session adopted from a risk signal's digest (decision-API replicas). A
 * restore replaces what the engine holds for that trace, keeping approvals answered meanwhile.
 */
import type { RiskSignal } from '@chainwatch/schemas';
import type { CredentialUse } from '../state/credential-index';
import type { SessionState } from '../state/session-state';
import { type SessionApproval, type SessionJson, mergeApprovals, sessionFromJson, sessionToJson } from '../state/session-state';
import { DigestStateSchema, TraceCheckpointSchema, parseState } from '../state/state-schema';
import type { EngineState } from './engine-state';
import type { DigestState } from './session-signal';

interface TraceCheckpoint {
  v: 1;
  trace: string;
  sessions: SessionJson[];
  creds: [string, CredentialUse][];
}

const NO_APPROVALS: readonly SessionApproval[] = Object.freeze([]);

function adopt(st: EngineState, j: SessionJson): SessionState {
  const s = sessionFromJson(j, st.names);
  if (st.rules !== undefined && j.seq !== null && j.seq !== undefined) s.seq = st.rules.restoreSequenceState(j.seq);
  else s.seq = null;
  return s;
}

export function checkpointTrace(st: EngineState, traceId: string): string | null {
  const set = st.sessions.traceSessions(traceId);
  if (set.length === 0) return null;
  const out: TraceCheckpoint = { v: 1, trace: traceId, sessions: [], creds: [] };
  const tokens = new Set<string>();
  for (const sid of set) {
    const s = st.sessions.get(sid);
    if (s === undefined) continue;
    out.sessions.push(sessionToJson(s, st.names));
    for (const t of s.tokens) tokens.add(t);
  }
  for (const t of tokens) {
    const use = st.credentials.get(t);
    if (use !== undefined) out.creds.push([t, use]);
  }
  return JSON.stringify(out);
}

export function restoreTrace(st: EngineState, text: string): void {
  const cp = parseState(TraceCheckpointSchema, text, 'checkpoint');
  const held = new Map<string, readonly SessionApproval[]>();
  for (const sid of [...st.sessions.traceSessions(cp.trace)]) {
    const old = st.sessions.get(sid);
    if (old !== undefined && old.approvals.length > 0) held.set(sid, old.approvals);
    st.sessions.drop(sid);
  }
  for (const j of cp.sessions) {
    const s = adopt(st, j as SessionJson);
    s.approvals = mergeApprovals(s.approvals, held.get(s.sid) ?? NO_APPROVALS);
    st.approvals.adoptPending(s);
    st.sessions.put(s);
  }
  for (const [t, use] of cp.creds) {
    for (const sid of use.sessions) for (const task of use.tasks) st.credentials.record(t, use.issuedAt, use.expiresAt, sid, task, use.firstEvent);
  }
}

export function loadSignalState(st: EngineState, signal: RiskSignal): void {
  const cur = st.sessions.get(signal.session_id);
  if (cur !== undefined && cur.events >= signal.seq && cur.events > 0) return;
  const d = parseState(DigestStateSchema, signal.digest.state, `signal ${signal.session_id}`) as DigestState;
  const s = adopt(st, d.s);
  // Approvals answered here may not have reached the processor that sent this signal yet.
  if (cur !== undefined) s.approvals = mergeApprovals(s.approvals, cur.approvals);
  st.approvals.adoptPending(s);
  if (cur !== undefined) st.sessions.drop(cur.sid);
  st.sessions.put(s);
  for (const t of s.tokens) st.credentials.record(t, 0, 0, s.sid, s.taskId, '');
}
