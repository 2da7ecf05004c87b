import { randomUUID } from 'node:crypto';
import { AgentActionEvent, DecisionRecord, Finding, RiskSignal, type AgentActionEventInput } from '@chainwatch/schemas';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/**
 * A schema-valid AgentActionEvent (defaults applied). Nested objects in `overrides` are merged
 * one level deep (agent, principal, task, action), so `makeEvent({ action: { tool: 'x' } })`
 * keeps the other action fields. Validated: a bad override throws here, not later.
 */
export function makeEvent(overrides: DeepPartial<AgentActionEventInput> = {}): AgentActionEvent {
  const base: AgentActionEventInput = {
    schema_version: 1,
    event_id: randomUUID(),
    ts: Date.now(),
    session_id: 'sess-1',
    trace_id: 'trace-1',
    parent_session_id: null,
    agent: { id: 'agent-planner-1', type: 'planner', spiffe_id: 'spiffe://example.org/ns/agents/sa/planner' },
    principal: { sub: 'user:alice', act: [] },
    task: { id: 'task-1', intent: 'summarise the quarterly report', scopes: ['docs:read'] },
    action: { kind: 'tool_call', tool: 'docs.search', operation: 'read', resource: 'doc://reports/q3', data_class: 'internal' },
  };
  const merged = {
    ...base,
    ...overrides,
    agent: { ...base.agent, ...overrides.agent },
    principal: { ...base.principal, ...overrides.principal },
    task: { ...base.task, ...overrides.task },
    action: { ...base.action, ...overrides.action },
  };
  return AgentActionEvent.parse(merged);
}

/** A schema-valid Finding for session `sess-1`. */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return Finding.parse({
    schema_version: 1,
    finding_id: `f-${randomUUID()}`,
    ts: Date.now(),
    session_id: 'sess-1',
    trace_id: 'trace-1',
    agent_type: 'planner',
    detector: 'tool_chaining',
    rule_id: 'source_to_sink',
    rule_version: 1,
    severity: 'high',
    confidence: 0.9,
    message: 'read confidential data, then sent it out',
    evidence_event_ids: [randomUUID()],
    tags: ['exfiltration'],
    ...overrides,
  });
}

/** A schema-valid RiskSignal (with an opaque digest.state the trace store must not keep). */
export function makeRiskSignal(overrides: Partial<RiskSignal> = {}): RiskSignal {
  const ts = overrides.ts ?? Date.now();
  return RiskSignal.parse({
    schema_version: 1,
    session_id: 'sess-1',
    trace_id: 'trace-1',
    agent_id: 'agent-planner-1',
    agent_type: 'planner',
    ts,
    seq: 1,
    score: 42,
    level: 'medium',
    decision: 'step_up',
    reasons: [{ rule_id: 'source_to_sink', rule_version: 1, message: 'm', evidence_event_ids: [] }],
    policy_version: 'v1',
    digest: {
      events: 1,
      first_ts: ts,
      last_ts: ts,
      tools: ['docs.search'],
      max_data_class: 'internal',
      tainted: false,
      destinations: [],
      parent_session_id: null,
      depth: 0,
      state: 'OPAQUE-STATE-BLOB',
    },
    ...overrides,
  });
}

/** A schema-valid DecisionRecord. */
export function makeDecisionRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return DecisionRecord.parse({
    schema_version: 1,
    kind: 'decision',
    decision_id: `d-${randomUUID()}`,
    ts: Date.now(),
    session_id: 'sess-1',
    trace_id: 'trace-1',
    agent_id: 'agent-planner-1',
    tool: 'mail.send',
    policy_version: 'v1',
    input_digest: 'sha256:abc',
    decision: 'deny',
    enforced: 'deny',
    score: 91,
    level: 'critical',
    reasons: [],
    shadow: false,
    stale: null,
    view_age_ms: 12,
    approval_binding: null,
    caller: 'gateway',
    ...overrides,
  });
}
