/**
 * The stream path: one observed event updates its session. Detectors and rules run on the state
 * as it was before the event; new findings are held (the strongest per rule) and published; then
 * the event is applied to state (tools, transitions, taint, provenance of what its output put in
 * front of the agent), and a delegation prepares its target session.
 */
import { actionDigest, type AgentActionEvent, type Finding, type RiskSignal } from '@chainwatch/schemas';
import type { ObserveResult } from '../engine-api';
import { hash52 } from '../state/hash';
import { SessionState } from '../state/session-state';
import { buildActionView, type ActionInput } from '../view/action-view';
import { applyEvent, initSession } from './apply-event';
import type { EngineState } from './engine-state';
import { draftToActive, publishFinding } from './to-active';

function sessionFor(st: EngineState, e: AgentActionEvent): { s: SessionState; fresh: boolean } {
  let s = st.sessions.get(e.session_id);
  if (s !== undefined && s.events > 0) return { s, fresh: false };
  if (s === undefined) {
    s = new SessionState(e.session_id, e.trace_id);
    st.approvals.adoptPending(s);
    st.sessions.put(s);
  }
  return { s, fresh: true };
}

export function observeEvent(st: EngineState, e: AgentActionEvent, buildSignal: (s: SessionState) => RiskSignal): ObserveResult {
  const { s, fresh } = sessionFor(st, e);
  const idHash = hash52(e.event_id);
  if (!fresh && s.hasSeenHash(idHash)) return new LazyObserveResult(true, [], s, buildSignal);
  const parentId = e.parent_session_id ?? (fresh ? s.parent : null);
  const parent = parentId !== null ? st.sessions.get(parentId) : undefined;
  const input: ActionInput = {
    prospective: false,
    eventId: e.event_id,
    ts: e.ts,
    sessionId: e.session_id,
    traceId: e.trace_id,
    parentSessionId: parentId,
    agentId: e.agent.id,
    agentType: e.agent.type,
    spiffeId: e.agent.spiffe_id,
    principal: e.principal,
    task: e.task,
    credential: e.credential,
    context: e.context,
    action: e.action,
  };
  if (fresh) {
    const keepTaint = s.taint;
    const keepDepth = s.depth;
    initSession(s, e, parentId, st.names, st.pool, st.intents, parent);
    if (keepTaint !== null) s.taint = keepTaint;
    if (parent === undefined && keepDepth > s.depth) s.depth = keepDepth;
  }
  const view = buildActionView(input, s, st.catalog, st.names, st.intents, parent, st.shell);
  let drafts = st.pipeline.run(view, s, e.outcome ?? 'allowed', 'observe');
  if (s.approvals.length > 0) {
    const covered = st.approvals.useOnStream(s, actionDigest(e.action), e.ts);
    if (covered !== null) drafts = drafts.filter((d) => !covered.includes(d.rule));
  }
  const findings: Finding[] = [];
  for (const d of drafts) {
    if (d.once !== undefined) {
      const key = `${d.rule}|${d.once}`;
      if (s.hasOnce(key)) continue;
      s.addOnce(key);
    }
    const f = draftToActive(d, e.event_id, e.ts);
    s.addFinding(f, st.weight);
    findings.push(publishFinding(f, d, s.sid, s.tid, e.agent.type));
  }
  // learn the transition before applying (needs the previous tool)
  if (st.learn) {
    const prev = s.lastTool();
    st.models.learn(e.agent.type)?.observe(prev >= 0 ? st.names.name(prev) : null, e.action.tool);
  }
  applyEvent(s, e, view, st.names, st.policy.detectors, st.pool, st.catalog.org_domains);
  s.markSeenHash(idHash);
  if (e.credential !== undefined) {
    st.credentials.record(e.credential.token_id, e.credential.issued_at, e.credential.expires_at, s.sid, s.taskId, e.event_id);
  }
  // delegation / hand-off: the target session inherits the parent link and taint
  const target = e.action.target_session_id;
  if (target !== undefined && target !== s.sid) {
    let t = st.sessions.get(target);
    if (t === undefined) {
      t = new SessionState(target, s.tid);
      t.parent = view.action.operation === 'delegate' || e.action.kind === 'delegation' ? s.sid : null;
      t.depth = t.parent !== null ? s.depth + 1 : 0;
      t.firstTs = e.ts;
      t.lastTs = e.ts;
      st.sessions.put(t);
    }
    if (s.taint !== null && t.taint === null) t.taint = { rank: s.taint.rank, ts: e.ts, ev: [...s.taint.ev.slice(0, 3), e.event_id], from: s.sid };
  }
  if (fresh) st.sessions.enforceCap();
  return new LazyObserveResult(false, findings, s, buildSignal);
}

/**
 * An observe() result whose signal is built on first read (serialising the digest is the costliest
 * step of observe). A class with the getter on its prototype: one allocation of a fixed shape per
 * event. The signal reflects the session as it is when read, so read it before observing that
 * session again.
 */
class LazyObserveResult implements ObserveResult {
  private cached: RiskSignal | undefined = undefined;

  constructor(
    readonly duplicate: boolean,
    readonly findings: readonly Finding[],
    private readonly session: SessionState,
    private readonly build: (s: SessionState) => RiskSignal,
  ) {}

  get signal(): RiskSignal {
    this.cached ??= this.build(this.session);
    return this.cached;
  }
}
