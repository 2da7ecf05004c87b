/**
 * A small stand-in for the detection core, for route tests that exercise the API's own logic
 * (auth, fail modes, approvals, shadow, errors) with a fully predictable assess(). The real engine
 * is used by the integration tests and the benchmark.
 */
import type { ApprovalRecord, AssessResult, DetectionEngine, ObserveResult } from '@chainwatch/core';
import type { AgentActionEvent, DecisionRequest, RiskSignal } from '@chainwatch/schemas';
import { actionDigest } from '@chainwatch/schemas';

const EXFIL = {
  rule_id: 'chain.confidential_then_external_send',
  rule_version: 1,
  message: 'send to an external destination after the session read confidential data',
};

export class FakeEngine implements DetectionEngine {
  readonly policyVersion = 'fake-1';
  readonly approvals: ApprovalRecord[] = [];
  private readonly signals = new Map<string, RiskSignal>();

  observe(_event: AgentActionEvent): ObserveResult {
    throw new Error('FakeEngine.observe is not used by the decision API');
  }

  assess(request: DecisionRequest, _now: number): AssessResult {
    const signal = this.signals.get(request.session_id);
    const a = request.action;
    const external = a.destination !== undefined && a.destination !== 'internal';
    if (a.tool === 'wipe_disk') {
      return result('deny', 95, 'critical', [{ rule_id: 'destructive.wipe', rule_version: 1, message: 'destructive tool', evidence_event_ids: [] }], signal);
    }
    if (signal?.digest.tainted && a.operation === 'send' && external) {
      // An approval covers exactly the approved action, nothing else.
      const digest = actionDigest(a);
      const approved = this.approvals.some((x) => x.sessionId === request.session_id && x.approved && x.actionDigest === digest);
      if (!approved) {
        const evidence = signal.reasons.flatMap((r) => r.evidence_event_ids).slice(0, 16);
        return result('step_up', 72, 'high', [{ ...EXFIL, evidence_event_ids: evidence }], signal);
      }
    }
    return result('allow', signal?.score ?? 0, signal?.level ?? 'low', [], signal);
  }

  signal(sessionId: string): RiskSignal | undefined {
    return this.signals.get(sessionId);
  }
  checkpoint(): string | null {
    return null;
  }
  restore(): void {}
  loadSignal(signal: RiskSignal): void {
    const prev = this.signals.get(signal.session_id);
    if (!prev || signal.seq > prev.seq) this.signals.set(signal.session_id, signal);
  }
  recordApproval(approval: ApprovalRecord): boolean {
    this.approvals.push(approval);
    return this.signals.has(approval.sessionId);
  }
  evictIdle(): string[] {
    return [];
  }
  get sessionCount(): number {
    return this.signals.size;
  }
}

function result(
  decision: AssessResult['decision'],
  score: number,
  level: AssessResult['level'],
  reasons: AssessResult['reasons'],
  signal: RiskSignal | undefined,
): AssessResult {
  return {
    decision,
    score,
    level,
    reasons,
    prospective: reasons.map((r) => ({
      schema_version: 1,
      finding_id: `f-${r.rule_id}`,
      ts: Date.now(),
      session_id: signal?.session_id ?? 's',
      trace_id: signal?.trace_id ?? 't',
      agent_type: signal?.agent_type ?? 'x',
      detector: 'tool_chaining',
      rule_id: r.rule_id,
      rule_version: r.rule_version,
      severity: level,
      confidence: 0.9,
      message: r.message,
      evidence_event_ids: [...r.evidence_event_ids],
      tags: [],
    })),
    evidenceEventIds: reasons.flatMap((r) => r.evidence_event_ids),
    knownSession: signal !== undefined,
  };
}

/** A signal saying the session read confidential data (tainted), citing `evidence`. */
export function taintedSignal(sessionId: string, evidence: string, seq = 1): RiskSignal {
  const now = Date.now();
  return {
    schema_version: 1,
    session_id: sessionId,
    trace_id: `trace-${sessionId}`,
    agent_id: 'agent-1',
    agent_type: 'support-bot',
    ts: now,
    seq,
    score: 35,
    level: 'medium',
    decision: 'allow',
    reasons: [{ rule_id: 'data.confidential_read', rule_version: 1, message: 'read confidential data', evidence_event_ids: [evidence] }],
    policy_version: 'fake-1',
    digest: {
      events: seq,
      first_ts: now - 1000,
      last_ts: now,
      tools: ['crm.read'],
      max_data_class: 'confidential',
      tainted: true,
      destinations: [],
      parent_session_id: null,
      depth: 0,
      state: '',
    },
  };
}
