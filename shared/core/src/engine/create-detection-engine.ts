/**
 * The detection engine: per-session state for every trace it holds, the five detectors, the rule
 * set, and noisy-OR scoring. Pure and synchronous; time comes from events or the caller.
 */
import type { AgentActionEvent, DecisionRequest, Finding, RiskSignal } from '@chainwatch/schemas';
import { DATA_CLASSES } from '@chainwatch/schemas';
import { TransitionModels, type Baseline } from '../baseline/markov-model';
import { EMPTY_CATALOG, type ToolCatalog } from '../catalog/tool-catalog';
import type { ActionView, DetectorContext, DetectorModule, FindingDraft } from '../detectors/detector';
import { credentialHygiene } from '../detectors/credential-hygiene';
import { dataFlow } from '../detectors/data-flow';
import { privilegeLaundering } from '../detectors/privilege-laundering';
import { scopeDrift } from '../detectors/scope-drift';
import { toolChaining } from '../detectors/tool-chaining';
import type { ApprovalRecord, AssessResult, DetectionEngine, ObserveResult } from '../engine-api';
import { findingId, toFinding } from '../findings/make-finding';
import { DEFAULT_POLICY, type Policy } from '../scoring/policy';
import { findingWeight, scoreFindings } from '../scoring/score';
import { CredentialIndex, type CredentialUse } from '../state/credential-index';
import { pairsKeys } from '../state/flat-map';
import { hash52, hex64 } from '../state/hash';
import { Interner } from '../state/interner';
import { StringPool } from '../state/string-pool';
import { type ActiveFinding, mergeApprovals, type SessionApproval, SessionState, sessionFromJson, sessionToJson, type SessionJson } from '../state/session-state';
import { actionDigest } from './action-digest';
import { DigestStateSchema, TraceCheckpointSchema, parseState } from '../state/state-schema';
import { buildActionView, type ActionInput } from './action-view';
import { applyEvent, initSession } from './apply-event';
import { IntentIndex } from './intent-keys';
import { buildRuleContext } from './rule-context-builder';
import type { RuleSetPort, SequenceStatePort } from './rule-set-port';

export interface DetectionEngineOptions {
  readonly catalog?: ToolCatalog;
  readonly rules?: RuleSetPort;
  readonly policy?: Policy;
  readonly baseline?: Baseline;
  /** Hard cap on sessions held; the least recently active is dropped first. Default 1,000,000. */
  readonly maxSessions?: number;
  /** Idle time after which evictIdle() drops a session. Default 30 min. */
  readonly idleMs?: number;
  /** Learn Markov transition models online from observed events (default true). */
  readonly learn?: boolean;
}

export const DETECTORS: readonly DetectorModule[] = [scopeDrift, toolChaining, dataFlow, privilegeLaundering, credentialHygiene];

interface TraceCheckpoint {
  v: 1;
  trace: string;
  sessions: SessionJson[];
  creds: [string, CredentialUse][];
}

interface DigestState {
  v: 1;
  s: SessionJson;
}

const MAX_EVIDENCE = 16;
/** Approval lifetime when the record names no expiry (the decision API's binding TTL default). */
const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;
/** Sessions with approvals waiting for the session to appear (oldest dropped beyond this). */
const MAX_PENDING_APPROVAL_SESSIONS = 10_000;
const NO_RULES: readonly string[] = Object.freeze([]);
const NO_APPROVALS: readonly SessionApproval[] = Object.freeze([]);

/** An unexpired approval of the action with this digest, not yet spent on this path. */
function findApproval(recs: readonly SessionApproval[], digest: string, at: number, path: 'used' | 'ran'): SessionApproval | undefined {
  for (const r of recs) if (!r[path] && r.d === digest && r.exp >= at) return r;
  return undefined;
}
/** SessionDigest.state is capped by the contract (64 KiB). */
const MAX_DIGEST_STATE = 60_000;

function mergeEvidence(a: readonly string[], extra: string): string[] {
  if (extra === '' || a.includes(extra)) return a.slice(0, MAX_EVIDENCE);
  return a.length >= MAX_EVIDENCE ? a.slice(0, MAX_EVIDENCE - 1).concat(extra) : a.concat(extra);
}

export function createDetectionEngine(options: DetectionEngineOptions = {}): DetectionEngine {
  const catalog = options.catalog ?? EMPTY_CATALOG;
  const policy = options.policy ?? DEFAULT_POLICY;
  const rules = options.rules;
  const maxSessions = options.maxSessions ?? 1_000_000;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const learn = options.learn ?? true;
  const names = new Interner();
  const pool = new StringPool();
  const intents = new IntentIndex();
  const models = options.baseline !== undefined ? TransitionModels.fromBaseline(options.baseline) : new TransitionModels();
  const credentials = new CredentialIndex();
  /** Sessions in least-recently-active order (re-inserted on every event). */
  const sessions = new Map<string, SessionState>();
  /** trace id → its session id, or ids when several (most traces have one session). */
  const traces = new Map<string, string | string[]>();
  /** Approvals for sessions this engine does not hold (yet): adopted when the session appears. */
  const pendingApprovals = new Map<string, readonly SessionApproval[]>();
  const policyVersion = `p-${hex64(`${JSON.stringify(catalog)}\u0000${rules?.version ?? 'no-rules'}\u0000${JSON.stringify(policy)}`)}`;
  const weight = (f: ActiveFinding, now: number): number => findingWeight(f, now, policy);

  const ctx: DetectorContext = {
    names,
    policy: policy.detectors,
    models,
    credentials,
    session: (id) => sessions.get(id),
  };

  function addToTrace(s: SessionState): void {
    const cur = traces.get(s.tid);
    if (cur === undefined) traces.set(s.tid, s.sid);
    else if (typeof cur === 'string') {
      if (cur !== s.sid) traces.set(s.tid, [cur, s.sid]);
    } else if (!cur.includes(s.sid)) cur.push(s.sid);
  }

  function traceSessions(tid: string): readonly string[] {
    const cur = traces.get(tid);
    return cur === undefined ? [] : typeof cur === 'string' ? [cur] : cur;
  }

  function dropSession(sid: string): string | null {
    const s = sessions.get(sid);
    if (s === undefined) return null;
    sessions.delete(sid);
    const cur = traces.get(s.tid);
    if (cur === undefined) return null;
    if (typeof cur === 'string' || cur.length <= 1) {
      if (typeof cur === 'string' ? cur === sid : cur[0] === sid) {
        traces.delete(s.tid);
        return s.tid;
      }
      return null;
    }
    const rest = cur.filter((x) => x !== sid);
    traces.set(s.tid, rest.length === 1 ? rest[0]! : rest);
    return null;
  }

  /** Enforces maxSessions: drops the oldest-created sessions first (Map insertion order). */
  function enforceCap(): void {
    while (sessions.size > maxSessions) {
      const oldest = sessions.keys().next();
      if (oldest.done === true) break;
      dropSession(oldest.value);
    }
  }

  function runDetectors(view: ActionView, s: SessionState, mode: 'observe' | 'assess'): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const d of DETECTORS) {
      const got = mode === 'observe' ? d.observe(view, ctx, s) : d.assess(view, ctx, s);
      for (const f of got) out.push(f);
    }
    return out;
  }

  function runRules(view: ActionView, s: SessionState, outcome: string, mode: 'observe' | 'assess'): FindingDraft[] {
    if (rules === undefined) return [];
    let seq = s.seq as SequenceStatePort | null;
    if (seq === null) seq = rules.newSequenceState();
    else if (mode === 'assess') seq = seq.clone();
    if (mode === 'observe') s.seq = seq;
    const matches = rules.evaluate(buildRuleContext(view, s, names, outcome), seq);
    return matches.map((m) => ({
      rule: m.rule_id,
      version: m.rule_version,
      detector: 'rules' as const,
      severity: m.severity,
      confidence: m.confidence,
      message: m.message,
      evidence: m.evidence_event_ids,
      tags: m.tags,
    }));
  }

  function draftToActive(d: FindingDraft, eventId: string, ts: number): ActiveFinding {
    return {
      rule: d.rule,
      ver: d.version,
      det: d.detector,
      sev: d.severity,
      conf: Math.max(0, Math.min(1, d.confidence)),
      ts,
      ev: mergeEvidence(d.evidence, eventId),
      // Held in state for explanations: store a flat copy, not the template's rope of pieces.
      msg: ` ${d.message}`.slice(1),
    };
  }

  function publish(f: ActiveFinding, d: FindingDraft, sid: string, tid: string, agentType: string): Finding {
    return toFinding(f, findingId(sid, f.rule, f.ev), d.tags, sid, tid, agentType);
  }

  function buildSignal(s: SessionState): RiskSignal {
    const now = s.lastTs || s.firstTs;
    const scored = scoreFindings([s.findings], now, policy);
    s.score = scored.score;
    const digestState: DigestState = { v: 1, s: sessionToJson(s, names) };
    let state = JSON.stringify(digestState);
    if (state.length > MAX_DIGEST_STATE) {
      // Oversized (hundreds of result entities): keep everything but the entity provenance.
      digestState.s = { ...digestState.s, oe: [], se: null };
      state = JSON.stringify(digestState);
    }
    return {
      schema_version: 1,
      session_id: s.sid,
      trace_id: s.tid,
      agent_id: s.agentId || s.sid,
      agent_type: names.name(s.agentType) || 'unknown',
      ts: now,
      seq: s.events,
      score: scored.score,
      level: scored.level,
      decision: scored.decision,
      reasons: scored.reasons,
      policy_version: policyVersion,
      digest: {
        events: s.events,
        first_ts: s.firstTs,
        last_ts: now,
        tools: pairsKeys(s.toolCounts).slice(0, 64).map((t) => names.name(t)),
        max_data_class: s.maxRank >= 0 ? (DATA_CLASSES[s.maxRank] ?? null) : null,
        tainted: s.taint !== null,
        destinations: s.destNames.slice(0, 64),
        parent_session_id: s.parent,
        depth: s.depth,
        state,
      },
    };
  }

  /**
   * The signal is built on first access (serialising the digest is the costliest step of observe):
   * it reflects the session as it is when read, so read it before observing that session again.
   */
  function lazyResult(duplicate: boolean, findings: readonly Finding[], s: SessionState): ObserveResult {
    return new LazyObserveResult(duplicate, findings, s, buildSignal);
  }

  function sessionFor(e: AgentActionEvent): { s: SessionState; fresh: boolean } {
    let s = sessions.get(e.session_id);
    if (s !== undefined && s.events > 0) return { s, fresh: false };
    if (s === undefined) {
      s = new SessionState(e.session_id, e.trace_id);
      adoptPendingApprovals(s);
      sessions.set(s.sid, s);
      addToTrace(s);
    }
    return { s, fresh: true };
  }

  function observe(e: AgentActionEvent): ObserveResult {
    const { s, fresh } = sessionFor(e);
    const idHash = hash52(e.event_id);
    if (!fresh && s.hasSeenHash(idHash)) {
      return lazyResult(true, [], s);
    }
    const parentId = e.parent_session_id ?? (fresh ? s.parent : null);
    const parent = parentId !== null ? sessions.get(parentId) : undefined;
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
      initSession(s, e, parentId, names, pool, intents, parent);
      if (keepTaint !== null) s.taint = keepTaint;
      if (parent === undefined && keepDepth > s.depth) s.depth = keepDepth;
    }
    const view = buildActionView(input, s, catalog, names, parent?.authority ?? null);
    let drafts = runDetectors(view, s, 'observe');
    for (const d of runRules(view, s, e.outcome ?? 'allowed', 'observe')) drafts.push(d);
    if (s.approvals.length > 0) drafts = useApproval(s, e.action, e.ts, drafts);

    const findings: Finding[] = [];
    const agentType = e.agent.type;
    for (const d of drafts) {
      if (d.once !== undefined) {
        const key = `${d.rule}|${d.once}`;
        if (s.hasOnce(key)) continue;
        s.addOnce(key);
      }
      const f = draftToActive(d, e.event_id, e.ts);
      s.addFinding(f, weight);
      findings.push(publish(f, d, s.sid, s.tid, agentType));
    }

    // learn the transition before applying (needs the previous tool)
    if (learn) {
      const prev = s.lastTool();
      models.learn(agentType)?.observe(prev >= 0 ? names.name(prev) : null, e.action.tool);
    }
    applyEvent(s, e, view, names, policy.detectors, pool);
    s.markSeenHash(idHash);
    if (e.credential !== undefined) {
      credentials.record(e.credential.token_id, e.credential.issued_at, e.credential.expires_at, s.sid, s.taskId, e.event_id);
    }
    // delegation / hand-off: the target session inherits parent link and taint
    const target = e.action.target_session_id;
    if (target !== undefined && target !== s.sid) {
      let t = sessions.get(target);
      if (t === undefined) {
        t = new SessionState(target, s.tid);
        t.parent = view.action.operation === 'delegate' || e.action.kind === 'delegation' ? s.sid : null;
        t.depth = t.parent !== null ? s.depth + 1 : 0;
        t.firstTs = e.ts;
        t.lastTs = e.ts;
        sessions.set(target, t);
        addToTrace(t);
      }
      if (s.taint !== null && t.taint === null) t.taint = { rank: s.taint.rank, ts: e.ts, ev: [...s.taint.ev.slice(0, 3), e.event_id], from: s.sid };
    }
    if (fresh) enforceCap();
    return lazyResult(false, findings, s);
  }

  function assess(req: DecisionRequest, now: number): AssessResult {
    const known = sessions.get(req.session_id);
    const s = known ?? new SessionState(req.session_id, req.trace_id ?? req.session_id);
    const parentId = req.parent_session_id ?? s.parent;
    const parent = parentId !== null ? sessions.get(parentId) : undefined;
    const input: ActionInput = {
      prospective: true,
      eventId: '',
      ts: now,
      sessionId: req.session_id,
      traceId: req.trace_id ?? s.tid,
      parentSessionId: parentId,
      agentId: req.agent.id ?? s.agentId,
      agentType: req.agent.type ?? (known !== undefined ? names.name(s.agentType) : 'unknown'),
      spiffeId: req.agent.spiffe_id ?? s.spiffe,
      principal: req.principal,
      task: req.task,
      credential: req.credential,
      context: req.context,
      action: req.action,
    };
    const view = buildActionView(input, s, catalog, names, parent?.authority ?? null);
    let drafts = runDetectors(view, s, 'assess');
    for (const d of runRules(view, s, 'allowed', 'assess')) drafts.push(d);
    drafts = drafts.filter((d) => d.once === undefined || !s.hasOnce(`${d.rule}|${d.once}`));

    const recs = known !== undefined ? s.approvals : pendingApprovals.get(req.session_id);
    const excluded = recs !== undefined && recs.length > 0 ? (findApproval(recs, actionDigest(req.action), now, 'used')?.rules ?? NO_RULES) : NO_RULES;
    const kept = drafts.filter((d) => !excluded.includes(d.rule));
    const prospective = kept.map((d) => draftToActive(d, '', now));
    const active = excluded.length === 0 ? s.findings : s.findings.filter((f) => !excluded.includes(f.rule));
    const scored = scoreFindings([active, prospective], now, policy);
    const agentType = input.agentType;
    return {
      score: scored.score,
      level: scored.level,
      decision: scored.decision,
      reasons: scored.reasons,
      prospective: prospective.map((f, i) => publish(f, kept[i]!, req.session_id, input.traceId, agentType)),
      evidenceEventIds: scored.evidence,
      knownSession: known !== undefined && known.events > 0,
    };
  }

  function checkpoint(traceId: string): string | null {
    const set = traceSessions(traceId);
    if (set.length === 0) return null;
    const out: TraceCheckpoint = { v: 1, trace: traceId, sessions: [], creds: [] };
    const tokens = new Set<string>();
    for (const sid of set) {
      const s = sessions.get(sid);
      if (s === undefined) continue;
      out.sessions.push(sessionToJson(s, names));
      for (const t of s.tokens) tokens.add(t);
    }
    for (const t of tokens) {
      const use = credentials.get(t);
      if (use !== undefined) out.creds.push([t, use]);
    }
    return JSON.stringify(out);
  }

  function adopt(j: SessionJson): SessionState {
    const s = sessionFromJson(j, names);
    if (rules !== undefined && j.seq !== null && j.seq !== undefined) s.seq = rules.restoreSequenceState(j.seq);
    else s.seq = null;
    return s;
  }

  function restore(text: string): void {
    const cp: TraceCheckpoint = parseState(TraceCheckpointSchema, text, 'checkpoint');
    const held = new Map<string, readonly SessionApproval[]>();
    for (const sid of [...traceSessions(cp.trace)]) {
      const old = sessions.get(sid);
      if (old !== undefined && old.approvals.length > 0) held.set(sid, old.approvals);
      dropSession(sid);
    }
    for (const j of cp.sessions) {
      const s = adopt(j);
      s.approvals = mergeApprovals(s.approvals, held.get(s.sid) ?? NO_APPROVALS);
      adoptPendingApprovals(s);
      sessions.set(s.sid, s);
      addToTrace(s);
    }
    for (const [t, use] of cp.creds) {
      for (const sid of use.sessions) for (const task of use.tasks) credentials.record(t, use.issuedAt, use.expiresAt, sid, task, use.firstEvent);
    }
  }

  function loadSignal(signal: RiskSignal): void {
    const cur = sessions.get(signal.session_id);
    if (cur !== undefined && cur.events >= signal.seq && cur.events > 0) return;
    const d: DigestState = parseState(DigestStateSchema, signal.digest.state, `signal ${signal.session_id}`);
    const s = adopt(d.s);
    // Approvals answered here may not have reached the processor that sent this signal yet.
    if (cur !== undefined) s.approvals = mergeApprovals(s.approvals, cur.approvals);
    adoptPendingApprovals(s);
    if (cur !== undefined) dropSession(cur.sid);
    sessions.set(s.sid, s);
    addToTrace(s);
    for (const t of s.tokens) credentials.record(t, 0, 0, s.sid, s.taskId, '');
  }

  function recordApproval(a: ApprovalRecord): boolean {
    const id = a.id ?? a.actionDigest;
    const s = sessions.get(a.sessionId);
    const current = s !== undefined ? s.approvals : (pendingApprovals.get(a.sessionId) ?? NO_APPROVALS);
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
    pendingApprovals.delete(a.sessionId);
    if (next.length > 0) pendingApprovals.set(a.sessionId, next);
    if (pendingApprovals.size > MAX_PENDING_APPROVAL_SESSIONS) {
      const oldest = pendingApprovals.keys().next().value;
      if (oldest !== undefined) pendingApprovals.delete(oldest);
    }
    return false;
  }

  function adoptPendingApprovals(s: SessionState): void {
    const pending = pendingApprovals.get(s.sid);
    if (pending === undefined) return;
    pendingApprovals.delete(s.sid);
    s.approvals = mergeApprovals(s.approvals, pending);
  }

  /** The approved action runs: its covered findings are not raised, once (the stream path's use). */
  function useApproval(s: SessionState, action: AgentActionEvent['action'], ts: number, drafts: FindingDraft[]): FindingDraft[] {
    const rec = findApproval(s.approvals, actionDigest(action), ts, 'ran');
    if (rec === undefined) return drafts;
    s.approvals = s.approvals.map((r) => (r === rec ? { ...r, ran: true } : r));
    return drafts.filter((d) => !rec.rules.includes(d.rule));
  }

  /** O(sessions): meant to be called periodically (a punctuator), not per event. */
  function evictIdle(now: number): string[] {
    const dropped: string[] = [];
    const cutoff = now - idleMs;
    for (const [sid, s] of sessions) {
      if ((s.lastTs || s.firstTs) >= cutoff) continue;
      const t = dropSession(sid);
      if (t !== null) dropped.push(t);
    }
    credentials.evictExpired(cutoff);
    for (const [sid, recs] of pendingApprovals) if (recs.every((r) => r.exp < now)) pendingApprovals.delete(sid);
    return dropped;
  }

  return {
    policyVersion,
    observe,
    assess,
    signal: (sid) => {
      const s = sessions.get(sid);
      return s === undefined || s.events === 0 ? undefined : buildSignal(s);
    },
    checkpoint,
    restore,
    loadSignal,
    recordApproval,
    evictIdle,
    get sessionCount() {
      return sessions.size;
    },
  };
}

/**
 * An observe() result whose signal is built on first read. A class with the getter on its
 * prototype: one allocation of a fixed shape per event (an object literal with an accessor and a
 * closure costs several, on V8's slow path).
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
