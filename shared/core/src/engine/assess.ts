/**
 * The request path: what would happen if this action ran now. Never mutates state. The detectors
 * and rules run on the session as it stands (or on a fresh one for a first action, with what the
 * delegating session handed over); the decision is made from this action's findings and the
 * session-wide (sticky) ones, in the order authority → evidence → heuristics (decision/decide.ts).
 * An approval of this exact action covers the rules it names.
 */
import { actionDigest, type DecisionRequest, type Finding } from '@chainwatch/schemas';
import { decide } from '../decision/decide';
import type { FindingDraft } from '../detectors/detector';
import type { ScoreResult } from '../scoring/score';
import type { AssessResult } from '../engine-api';
import { type ActiveFinding, SessionState } from '../state/session-state';
import { buildActionView, type ActionInput } from '../view/action-view';
import { findApproval } from './approval-book';
import { inheritProvenance } from './apply-event';
import type { EngineState } from './engine-state';
import { prospectiveFinding, publishFinding } from './to-active';

const NO_RULES: readonly string[] = Object.freeze([]);
const NO_FINDINGS: readonly ActiveFinding[] = Object.freeze([]);

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
  const prospective: ActiveFinding[] = [];
  for (const d of kept) prospective.push(prospectiveFinding(d, now));
  const scored = decide([stickyFindings(s, excluded), prospective], now, st.policy);
  return new Assessment(scored, known !== undefined && known.events > 0, prospective, kept, req.session_id, input.traceId, input.agentType);
}

/** The session-wide findings that weigh on every action, less those an approval covers. */
function stickyFindings(s: SessionState, excluded: readonly string[]): readonly ActiveFinding[] {
  let out: ActiveFinding[] | null = null;
  for (const f of s.findings) {
    if (f.stk !== true || excluded.includes(f.rule)) continue;
    (out ??= []).push(f);
  }
  return out ?? NO_FINDINGS;
}

/**
 * An assess() result whose prospective findings are published on first read: their ids hash the
 * session, rule and evidence, and most callers read only the decision (the decision API reads
 * them for a step-up). The findings are immutable once judged, so reading later gives the same
 * list. The inputs are held in private fields, so the result's own properties are the
 * AssessResult fields; toJSON writes them in the contract's order, prospective included.
 */
class Assessment implements AssessResult {
  readonly score: number;
  readonly level: AssessResult['level'];
  readonly decision: AssessResult['decision'];
  readonly reasons: AssessResult['reasons'];
  readonly evidenceEventIds: readonly string[];
  #published: readonly Finding[] | null = null;
  readonly #active: readonly ActiveFinding[];
  readonly #drafts: readonly FindingDraft[];
  readonly #sid: string;
  readonly #tid: string;
  readonly #agentType: string;

  constructor(
    scored: ScoreResult,
    readonly knownSession: boolean,
    active: readonly ActiveFinding[],
    drafts: readonly FindingDraft[],
    sid: string,
    tid: string,
    agentType: string,
  ) {
    this.score = scored.score;
    this.level = scored.level;
    this.decision = scored.decision;
    this.reasons = scored.reasons;
    this.evidenceEventIds = scored.evidence;
    this.#active = active;
    this.#drafts = drafts;
    this.#sid = sid;
    this.#tid = tid;
    this.#agentType = agentType;
  }

  get prospective(): readonly Finding[] {
    if (this.#published === null) {
      const out: Finding[] = [];
      for (let i = 0; i < this.#active.length; i++) out.push(publishFinding(this.#active[i]!, this.#drafts[i]!, this.#sid, this.#tid, this.#agentType));
      this.#published = out;
    }
    return this.#published;
  }

  toJSON(): AssessResult {
    return {
      score: this.score,
      level: this.level,
      decision: this.decision,
      reasons: this.reasons,
      prospective: this.prospective,
      evidenceEventIds: this.evidenceEventIds,
      knownSession: this.knownSession,
    };
  }
}
