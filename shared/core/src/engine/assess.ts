/**
 * The request path: what would happen if this action ran now. Never mutates state. The detectors
 * and rules run on the session as it stands (or on a fresh one for a first action, with what the
 * delegating session handed over); the decision is made from this action's findings and the
 * session-wide (sticky) ones, in the order authority → evidence → heuristics (decision/decide.ts).
 * An approval of this exact action covers the rules it names.
 */
import { actionDigest, type DecisionRequest } from '@chainwatch/schemas';
import { decide } from '../decision/decide';
import type { AssessResult } from '../engine-api';
import { SessionState } from '../state/session-state';
import { buildActionView, type ActionInput } from '../view/action-view';
import { findApproval } from './approval-book';
import { inheritProvenance } from './apply-event';
import type { EngineState } from './engine-state';
import { draftToActive, publishFinding } from './to-active';

const NO_RULES: readonly string[] = Object.freeze([]);

/** The session a prospective action is judged in: the one held, or a scratch one for a first action. */
function prospectiveSession(st: EngineState, req: DecisionRequest, known: SessionState | undefined): SessionState {
  if (known !== undefined && known.events > 0) return known;
  const s = new SessionState(req.session_id, req.trace_id ?? known?.tid ?? req.session_id);
  if (known !== undefined) {
    // A placeholder made when the parent delegated: its link, depth and taint are real.
    s.parent = known.parent;
    s.depth = known.depth;
    s.taint = known.taint;
    s.approvals = known.approvals;
  }
  const parentId = req.parent_session_id ?? s.parent;
  const parent = parentId !== null ? st.sessions.get(parentId) : undefined;
  if (parent !== undefined && req.task?.intent !== undefined) inheritProvenance(s, req.task.intent, parent, '');
  return s;
}

export function assessRequest(st: EngineState, req: DecisionRequest, now: number): AssessResult {
  const known = st.sessions.get(req.session_id);
  const s = prospectiveSession(st, req, known);
  const parentId = req.parent_session_id ?? s.parent;
  const parent = parentId !== null ? st.sessions.get(parentId) : undefined;
  const input: ActionInput = {
    prospective: true,
    eventId: '',
    ts: now,
    sessionId: req.session_id,
    traceId: req.trace_id ?? s.tid,
    parentSessionId: parentId,
    agentId: req.agent.id ?? s.agentId,
    agentType: req.agent.type ?? (known !== undefined && known.events > 0 ? st.names.name(s.agentType) : 'unknown'),
    spiffeId: req.agent.spiffe_id ?? s.spiffe,
    principal: req.principal,
    task: req.task,
    credential: req.credential,
    context: req.context,
    action: req.action,
  };
  const view = buildActionView(input, s, st.catalog, st.names, st.intents, parent, st.shell);
  const drafts = st.pipeline.run(view, s, 'allowed', 'assess');
  const recs = st.approvals.forSession(req.session_id);
  const excluded = recs.length > 0 ? (findApproval(recs, actionDigest(req.action), now, 'used')?.rules ?? NO_RULES) : NO_RULES;
  const kept = excluded.length === 0 ? drafts : drafts.filter((d) => !excluded.includes(d.rule));
  const prospective = kept.map((d) => draftToActive(d, '', now));
  const sticky = s.findings.filter((f) => f.stk === true && !excluded.includes(f.rule));
  const scored = decide([sticky, prospective], now, st.policy);
  return {
    score: scored.score,
    level: scored.level,
    decision: scored.decision,
    reasons: scored.reasons,
    prospective: prospective.map((f, i) => publishFinding(f, kept[i]!, req.session_id, input.traceId, input.agentType)),
    evidenceEventIds: scored.evidence,
    knownSession: known !== undefined && known.events > 0,
  };
}
