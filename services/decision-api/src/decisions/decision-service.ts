import { randomUUID } from 'node:crypto';
import { approvalFromEvent, type ApprovalRecord, type AssessResult } from '@chainwatch/core';
import { ChainwatchError } from '@chainwatch/runtime';
import { ApprovalEvent, actionDigest, type Decision, type DecisionRecord, type DecisionRequest, type DecisionResponse, type Reason } from '@chainwatch/schemas';
import type { ApprovalBinding, BindingCheck, BindingStore } from '../approvals/binding-store';
import type { LiveView } from '../live-view/live-view';
import type { DecisionApiMetrics, DecisionMode } from '../metrics';
import { bodyDigest, inputDigest } from './canonical-digest';
import type { ApprovalLog, DecisionLog } from './publish-queue';
import { isSensitiveAction, type SensitivityCheck } from './sensitivity';

/** How decisions are made beyond the rules: staleness, fail modes, shadow mode. */
export interface DecisionModes {
  /** The view is stale when not confirmed current for longer than this. */
  readonly staleMs: number;
  /** Stale view, sensitive action: the decision is at least this (fail closed). */
  readonly failModeSensitive: 'step_up' | 'deny';
  /** Stale view, other actions: the decision is at least this ('allow' = fail open). */
  readonly failModeOther: Decision;
  /** Evaluate and log, but tell the caller allow. */
  readonly shadow: boolean;
  /** Which actions are sensitive for the fail mode (default: from the request alone; see catalogSensitivity). */
  readonly isSensitive?: SensitivityCheck;
}

export interface ApprovalAnswer {
  readonly binding: string;
  readonly status: 'approved' | 'rejected';
  readonly session_id: string;
  readonly action_digest: string;
  readonly expires_at: number;
  readonly decision_id: string;
}

const RANK: Record<Decision, number> = { allow: 0, step_up: 1, deny: 2 };
const stricter = (a: Decision, b: Decision): Decision => (RANK[b] > RANK[a] ? b : a);
const MAX_REASONS = 16;
/** How long an answer waits for the approvals topic before the approver gets a retriable 503. */
const ANSWER_PUBLISH_TIMEOUT_MS = 5000;
const NO_EVIDENCE: readonly string[] = [];

/**
 * Request-time decisions: the detection core's assess() on the prospective action against the live
 * view, then the operational layer around it (stale view fail modes, approval bindings, shadow
 * mode), the decision log and the metrics. Synchronous on the request path: nothing here waits on
 * I/O; the decision log publishes in the background.
 */
export class DecisionService {
  constructor(
    private readonly view: LiveView,
    private readonly bindings: BindingStore,
    private readonly modes: DecisionModes,
    private readonly log: DecisionLog,
    private readonly metrics: DecisionApiMetrics,
    /** Binding states for the other API instances and the processors (chainwatch.approvals). */
    private readonly approvals: ApprovalLog,
    /** This instance's id in published binding states (its own records are skipped when read back). */
    readonly instanceId: string,
  ) {}

  get policyVersion(): string {
    return this.view.engine.policyVersion;
  }

  /**
   * `bodyText`: the request body as received, when the transport has it; the decision log then
   * records its digest (else the digest of the validated request's JSON).
   */
  decide(request: DecisionRequest, caller: string, now: number, bodyText?: string): DecisionResponse {
    const started = performance.now();
    const engine = this.view.engine;
    const age = this.view.ageMs(now);
    const stale = age === null || age > this.modes.staleMs;
    const assessed: AssessResult = engine.assess(request, now);

    let decision: Decision = assessed.decision;
    let reasons: Reason[] = contractReasons(assessed.reasons);
    let failMode: DecisionResponse['stale'] = null;
    let mode: DecisionMode = this.modes.shadow ? 'shadow' : 'enforce';
    let digest: string | null = null;
    let usedBinding: string | null = null;

    if (request.approval_binding !== undefined) {
      digest = actionDigest(request.action);
      const check = this.bindings.redeem(request.approval_binding, request.session_id, digest, now);
      const applied = applyBinding(check, assessed);
      decision = applied.decision;
      reasons = [applied.reason, ...reasons].slice(0, MAX_REASONS);
      if (check.ok) {
        usedBinding = check.binding.id;
        if (decision === 'allow') mode = 'approval';
        // Used once: a replay of the same action is assessed as before the approval.
        engine.recordApproval({ ...approvalRecord(check.binding), ts: now, used: true });
        this.approvals.append(this.bindingEvent(check.binding, now));
      }
    }

    if (stale && mode !== 'approval') {
      if ((this.modes.isSensitive ?? isSensitiveAction)(request.action)) {
        failMode = 'fail_closed';
        decision = stricter(decision, this.modes.failModeSensitive);
      } else {
        failMode = this.modes.failModeOther === 'allow' ? 'fail_open' : 'fail_closed';
        decision = stricter(decision, this.modes.failModeOther);
      }
      reasons = [staleReason(age, failMode), ...reasons].slice(0, MAX_REASONS);
      if (!this.modes.shadow) mode = failMode === 'fail_open' ? 'stale_fail_open' : 'stale_fail_closed';
    }

    const enforced: Decision = this.modes.shadow ? 'allow' : decision;
    let binding: ApprovalBinding | null = null;
    if (enforced === 'step_up') {
      digest ??= actionDigest(request.action);
      binding = this.bindings.create(
        {
          sessionId: request.session_id,
          traceId: request.trace_id ?? null,
          actionDigest: digest,
          evidenceEventIds: evidenceOf(assessed),
          ruleIds: ruleIdsOf(assessed),
          requestedBy: caller,
        },
        now,
      );
      this.approvals.append(this.bindingEvent(binding, now));
    }

    const response: DecisionResponse = {
      decision_id: randomUUID(),
      decision: enforced,
      score: assessed.score,
      level: assessed.level,
      reasons,
      obligations: binding
        ? {
            approval: {
              binding: binding.id,
              action_digest: binding.actionDigest,
              evidence_event_ids: [...binding.evidenceEventIds],
              expires_at: binding.expiresAt,
            },
          }
        : {},
      policy_version: engine.policyVersion,
      view_age_ms: age === null ? null : Math.round(age),
      stale: failMode,
      shadow: this.modes.shadow,
    };
    if (this.modes.shadow) response.would_be = decision;

    this.log.append({
      schema_version: 1,
      kind: 'decision',
      decision_id: response.decision_id,
      ts: now,
      session_id: request.session_id,
      trace_id: request.trace_id ?? null,
      agent_id: request.agent.id,
      tool: request.action.tool,
      policy_version: response.policy_version,
      input_digest: bodyText !== undefined ? bodyDigest(bodyText) : inputDigest(request),
      decision,
      enforced,
      score: response.score,
      level: response.level,
      reasons,
      shadow: this.modes.shadow,
      stale: failMode,
      view_age_ms: response.view_age_ms,
      approval_binding: binding?.id ?? usedBinding ?? request.approval_binding ?? null,
      caller,
    });
    this.metrics.countDecision(decision, enforced, mode);
    this.metrics.latency.observe((performance.now() - started) / 1000);
    return response;
  }

  /**
   * A binding state published by another API instance: adopted by the binding store (so an
   * approval given there unlocks the retry here) and, once answered, by the session view.
   * Says what became of the record: adopted, skipped as this instance's own, or invalid (with
   * the first schema issue, never the record's content).
   */
  adopt(value: Buffer | string, now: number): { readonly result: 'adopted' | 'own' } | { readonly result: 'invalid'; readonly issue: string } {
    let parsed: ReturnType<typeof ApprovalEvent.safeParse>;
    try {
      parsed = ApprovalEvent.safeParse(JSON.parse(typeof value === 'string' ? value : value.toString('utf8')));
    } catch {
      return { result: 'invalid', issue: 'not JSON' };
    }
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return { result: 'invalid', issue: first ? `${first.path.join('.')}: ${first.message}` : 'invalid' };
    }
    if (parsed.data.origin === this.instanceId) return { result: 'own' };
    const e = parsed.data;
    this.bindings.adopt(
      {
        id: e.binding,
        sessionId: e.session_id,
        traceId: e.trace_id,
        actionDigest: e.action_digest,
        evidenceEventIds: e.evidence_event_ids,
        ruleIds: e.rule_ids,
        createdAt: e.created_at,
        expiresAt: e.expires_at,
        requestedBy: e.requested_by ?? null,
        state: e.state,
        answeredBy: e.by,
        answeredAt: e.state === 'pending' ? null : e.ts,
      },
      now,
    );
    const record = approvalFromEvent(e);
    if (record !== null) this.view.engine.recordApproval(record);
    return { result: 'adopted' };
  }

  private bindingEvent(b: ApprovalBinding, now: number): ApprovalEvent {
    return {
      schema_version: 1,
      binding: b.id,
      state: b.state,
      session_id: b.sessionId,
      trace_id: b.traceId,
      action_digest: b.actionDigest,
      engine_digest: b.actionDigest,
      evidence_event_ids: [...b.evidenceEventIds],
      rule_ids: [...b.ruleIds],
      created_at: b.createdAt,
      expires_at: b.expiresAt,
      ts: now,
      by: b.answeredBy,
      requested_by: b.requestedBy,
      origin: this.instanceId,
    };
  }

  /**
   * A human answer to a step-up: published on the approvals topic (so the other API instances and
   * the processors' session state learn it), then handed to this instance's engine and logged like a decision. The
   * answer counts only once published: when the publisher fails, the binding is pending again
   * and the caller gets a retriable error.
   */
  async answer(bindingId: string, approve: boolean, approver: string, now: number): Promise<ApprovalAnswer> {
    // Marks the binding answered synchronously: a concurrent second answer is refused (409).
    const binding = this.bindings.answer(bindingId, approve, approver, now);
    try {
      await this.approvals.publishNow(this.bindingEvent(binding, now), ANSWER_PUBLISH_TIMEOUT_MS);
    } catch (err) {
      this.bindings.reopen(binding.id);
      throw new ChainwatchError('CW_KAFKA_UNREACHABLE', 'approval not recorded, try again', { cause: err });
    }
    const engine = this.view.engine;
    engine.recordApproval({ ...approvalRecord(binding), approved: approve, ts: now });
    const signal = engine.signal(binding.sessionId);
    const record: DecisionRecord = {
      schema_version: 1,
      kind: approve ? 'approval' : 'rejection',
      decision_id: randomUUID(),
      ts: now,
      session_id: binding.sessionId,
      trace_id: binding.traceId,
      agent_id: signal?.agent_id ?? null,
      tool: null,
      policy_version: engine.policyVersion,
      input_digest: binding.actionDigest,
      decision: approve ? 'allow' : 'deny',
      enforced: approve ? 'allow' : 'deny',
      score: signal?.score ?? 0,
      level: signal?.level ?? 'low',
      reasons: [answerReason(binding)],
      shadow: this.modes.shadow,
      stale: null,
      view_age_ms: null,
      approval_binding: binding.id,
      caller: approver,
    };
    this.log.append(record);
    this.metrics.approvals.inc({ answer: approve ? 'approved' : 'rejected' });
    return {
      binding: binding.id,
      status: approve ? 'approved' : 'rejected',
      session_id: binding.sessionId,
      action_digest: binding.actionDigest,
      expires_at: binding.expiresAt,
      decision_id: record.decision_id,
    };
  }
}

/**
 * The engine's reasons in contract form: at most 16, and without the empty id the engine uses for
 * the prospective action itself (it has no event yet). Copies only a reason that needs it.
 */
/** The engine's view of a binding's approval (approved; `ts` and `used` set by the caller). */
function approvalRecord(b: ApprovalBinding): Omit<ApprovalRecord, 'ts'> {
  return { id: b.id, sessionId: b.sessionId, actionDigest: b.actionDigest, approved: true, ruleIds: b.ruleIds, expiresAt: b.expiresAt };
}

function contractReasons(reasons: readonly Reason[]): Reason[] {
  const out: Reason[] = [];
  for (let i = 0; i < reasons.length && i < MAX_REASONS; i++) {
    const r = reasons[i] as Reason;
    out.push(r.evidence_event_ids.includes('') ? { ...r, evidence_event_ids: r.evidence_event_ids.filter((id) => id !== '') } : r);
  }
  return out;
}

/** Evidence event ids of the assessment (the prospective action has no event id yet: skipped). */
function evidenceOf(assessed: AssessResult): string[] {
  const out: string[] = [];
  for (const id of assessed.evidenceEventIds) {
    if (id !== '' && !out.includes(id)) out.push(id);
    if (out.length === 16) break;
  }
  return out;
}

function ruleIdsOf(assessed: AssessResult): string[] {
  const ids = new Set<string>();
  for (const f of assessed.prospective) ids.add(f.rule_id);
  for (const r of assessed.reasons) ids.add(r.rule_id);
  return [...ids].slice(0, 32);
}

/**
 * What a presented binding does to the decision. An approved match allows the action, unless the
 * session has since drawn a deny from rules the approval did not cover. A rejected match denies.
 * Anything else leaves the assessment as it is, with a reason saying why the binding did not count.
 */
function applyBinding(check: BindingCheck, assessed: AssessResult): { decision: Decision; reason: Reason } {
  if (check.ok) {
    const covered = new Set(check.binding.ruleIds);
    const uncovered = assessed.decision === 'deny' && assessed.reasons.some((r) => !covered.has(r.rule_id));
    if (!uncovered) {
      return {
        decision: 'allow',
        reason: {
          rule_id: 'approval.granted',
          rule_version: 1,
          message: `approved by ${check.binding.answeredBy ?? 'an approver'} (binding ${check.binding.id})`,
          evidence_event_ids: [...check.binding.evidenceEventIds],
        },
      };
    }
    return {
      decision: 'deny',
      reason: {
        rule_id: 'approval.superseded',
        rule_version: 1,
        message: `approval ${check.binding.id} does not cover findings raised since it was given`,
        evidence_event_ids: [...check.binding.evidenceEventIds],
      },
    };
  }
  if (check.why === 'rejected') {
    return {
      decision: 'deny',
      reason: {
        rule_id: 'approval.rejected',
        rule_version: 1,
        message: `rejected by ${check.binding?.answeredBy ?? 'an approver'} (binding ${check.binding?.id ?? ''})`,
        evidence_event_ids: [...(check.binding?.evidenceEventIds ?? NO_EVIDENCE)],
      },
    };
  }
  return {
    decision: assessed.decision,
    reason: {
      rule_id: 'approval.not_applicable',
      rule_version: 1,
      message: `approval binding not honoured: ${BINDING_WHY[check.why]}`,
      evidence_event_ids: [],
    },
  };
}

const BINDING_WHY: Record<Exclude<BindingCheck, { ok: true }>['why'], string> = {
  unknown: 'unknown binding',
  expired: 'binding expired',
  pending: 'no answer yet',
  rejected: 'rejected',
  used: 'already used',
  mismatch: 'a different action or session than the one approved',
};

function staleReason(age: number | null, mode: 'fail_open' | 'fail_closed'): Reason {
  const what = age === null ? 'live risk view not caught up yet' : `live risk view stale (${Math.round(age)} ms old)`;
  return {
    rule_id: mode === 'fail_open' ? 'view.stale.fail_open' : 'view.stale.fail_closed',
    rule_version: 1,
    message: `${what}: ${mode === 'fail_open' ? 'failing open' : 'failing closed'}`,
    evidence_event_ids: [],
  };
}

function answerReason(binding: ApprovalBinding): Reason {
  const approved = binding.state === 'approved';
  return {
    rule_id: approved ? 'approval.granted' : 'approval.rejected',
    rule_version: 1,
    message: `${approved ? 'approved' : 'rejected'} by ${binding.answeredBy ?? 'an approver'} (binding ${binding.id})`,
    evidence_event_ids: [...binding.evidenceEventIds],
  };
}
