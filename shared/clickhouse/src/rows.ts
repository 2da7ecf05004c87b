import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';
import { AgentActionEvent, DecisionRecord, Finding, RiskSignal, argsDigest } from '@chainwatch/schemas';
import { extractArgEntities } from './arg-entities';

/** Input that cannot become a row: schema violation or not JSON (CW_ROW_UNMAPPABLE). Carries zod's first issues. */
export class RowMappingError extends ChainwatchError {
  constructor(
    readonly table: TraceTable,
    readonly reason: string,
  ) {
    super('CW_ROW_UNMAPPABLE', `cannot map to ${table}: ${reason}`);
    this.name = 'RowMappingError';
  }
}

export const TRACE_TABLES = ['agent_actions', 'findings', 'risk_signals', 'decisions'] as const;
export type TraceTable = (typeof TRACE_TABLES)[number];

/** Timestamps are epoch milliseconds: ClickHouse reads an integer into DateTime64(3) as ms. */
type EpochMs = number;

export interface AgentActionRow {
  event_id: string;
  ts: EpochMs;
  session_id: string;
  trace_id: string;
  parent_session_id: string | null;
  agent_id: string;
  agent_type: string;
  agent_spiffe_id: string;
  agent_model: string;
  principal_sub: string;
  principal_act: string[];
  task_id: string;
  task_intent: string;
  task_scopes: string[];
  task_max_data_class: string;
  action_kind: string;
  tool: string;
  operation: string;
  resource: string;
  data_class: string;
  destination: string;
  bytes: number | null;
  args_digest: string;
  arg_emails: string[];
  arg_urls: string[];
  arg_domains: string[];
  arg_ibans: string[];
  target_session_id: string;
  result_emails: string[];
  result_urls: string[];
  result_domains: string[];
  result_ibans: string[];
  result_phones: string[];
  result_bytes: number | null;
  result_error: number | null;
  credential_token_digest: string;
  credential_issued_at: EpochMs | null;
  credential_expires_at: EpochMs | null;
  credential_scopes: string[];
  credential_audience: string;
  context_source: string;
  context_ip: string;
  injection_score: number | null;
  user_approved: number | null;
  outcome: string;
}

export interface FindingRow {
  finding_id: string;
  ts: EpochMs;
  session_id: string;
  trace_id: string;
  agent_type: string;
  detector: string;
  rule_id: string;
  rule_version: number;
  severity: string;
  confidence: number;
  message: string;
  evidence_event_ids: string[];
  tags: string[];
}

export interface RiskSignalRow {
  session_id: string;
  trace_id: string;
  agent_id: string;
  agent_type: string;
  ts: EpochMs;
  seq: number;
  score: number;
  level: string;
  decision: string;
  reasons: string;
  reason_rule_ids: string[];
  policy_version: string;
  digest_events: number;
  digest_first_ts: EpochMs;
  digest_last_ts: EpochMs;
  digest_tools: string[];
  digest_max_data_class: string;
  digest_tainted: number;
  digest_destinations: string[];
  parent_session_id: string | null;
  depth: number;
}

export interface DecisionRow {
  decision_id: string;
  kind: string;
  ts: EpochMs;
  session_id: string;
  trace_id: string | null;
  agent_id: string | null;
  tool: string | null;
  policy_version: string;
  input_digest: string;
  decision: string;
  enforced: string;
  score: number;
  level: string;
  reasons: string;
  reason_rule_ids: string[];
  shadow: number;
  stale: string | null;
  view_age_ms: number | null;
  approval_binding: string | null;
  caller: string | null;
}

export interface TraceRowByTable {
  agent_actions: AgentActionRow;
  findings: FindingRow;
  risk_signals: RiskSignalRow;
  decisions: DecisionRow;
}

function parse<S extends z.ZodType>(schema: S, table: TraceTable, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new RowMappingError(table, issues);
}

const nullableBool = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

/** AgentActionEvent → agent_actions row. Raw `action.args` never leave this function. */
export function toAgentActionRow(input: unknown): AgentActionRow {
  const e = parse(AgentActionEvent, 'agent_actions', input);
  const a = e.action;
  const entities = a.args ? extractArgEntities(a.args) : null;
  const r = a.result_entities;
  return {
    event_id: e.event_id,
    ts: e.ts,
    session_id: e.session_id,
    trace_id: e.trace_id,
    parent_session_id: e.parent_session_id,
    agent_id: e.agent.id,
    agent_type: e.agent.type,
    agent_spiffe_id: e.agent.spiffe_id,
    agent_model: e.agent.model ?? '',
    principal_sub: e.principal.sub,
    principal_act: e.principal.act.map((x) => x.sub),
    task_id: e.task.id,
    task_intent: e.task.intent ?? '',
    task_scopes: e.task.scopes,
    task_max_data_class: e.task.max_data_class ?? '',
    action_kind: a.kind,
    tool: a.tool,
    operation: a.operation ?? '',
    resource: a.resource ?? '',
    data_class: a.data_class ?? '',
    destination: a.destination ?? '',
    bytes: a.bytes ?? null,
    args_digest: a.args_digest ?? (a.args ? argsDigest(a.args) : ''),
    arg_emails: entities?.emails ?? [],
    arg_urls: entities?.urls ?? [],
    arg_domains: entities?.domains ?? [],
    arg_ibans: entities?.ibans ?? [],
    target_session_id: a.target_session_id ?? '',
    result_emails: r?.emails ?? [],
    result_urls: r?.urls ?? [],
    result_domains: r?.domains ?? [],
    result_ibans: r?.ibans ?? [],
    result_phones: r?.phones ?? [],
    result_bytes: a.result_bytes ?? null,
    result_error: nullableBool(a.result_error),
    credential_token_digest: e.credential ? createHash('sha256').update(e.credential.token_id).digest('hex') : '',
    credential_issued_at: e.credential?.issued_at ?? null,
    credential_expires_at: e.credential?.expires_at ?? null,
    credential_scopes: e.credential?.scopes ?? [],
    credential_audience: e.credential?.audience ?? '',
    context_source: e.context?.source ?? '',
    context_ip: e.context?.ip ?? '',
    injection_score: e.context?.injection_score ?? null,
    user_approved: nullableBool(e.context?.user_approved),
    outcome: e.outcome ?? '',
  };
}

export function toFindingRow(input: unknown): FindingRow {
  const f = parse(Finding, 'findings', input);
  return {
    finding_id: f.finding_id,
    ts: f.ts,
    session_id: f.session_id,
    trace_id: f.trace_id,
    agent_type: f.agent_type,
    detector: f.detector,
    rule_id: f.rule_id,
    rule_version: f.rule_version,
    severity: f.severity,
    confidence: f.confidence,
    message: f.message,
    evidence_event_ids: f.evidence_event_ids,
    tags: f.tags,
  };
}

/** RiskSignal → risk_signals row, without the digest's opaque `state`. */
export function toRiskSignalRow(input: unknown): RiskSignalRow {
  const s = parse(RiskSignal, 'risk_signals', input);
  const d = s.digest;
  return {
    session_id: s.session_id,
    trace_id: s.trace_id,
    agent_id: s.agent_id,
    agent_type: s.agent_type,
    ts: s.ts,
    seq: s.seq,
    score: s.score,
    level: s.level,
    decision: s.decision,
    reasons: JSON.stringify(s.reasons),
    reason_rule_ids: s.reasons.map((x) => x.rule_id),
    policy_version: s.policy_version,
    digest_events: d.events,
    digest_first_ts: d.first_ts,
    digest_last_ts: d.last_ts,
    digest_tools: d.tools,
    digest_max_data_class: d.max_data_class ?? '',
    digest_tainted: d.tainted ? 1 : 0,
    digest_destinations: d.destinations,
    parent_session_id: d.parent_session_id,
    depth: d.depth,
  };
}

export function toDecisionRow(input: unknown): DecisionRow {
  const d = parse(DecisionRecord, 'decisions', input);
  return {
    decision_id: d.decision_id,
    kind: d.kind,
    ts: d.ts,
    session_id: d.session_id,
    trace_id: d.trace_id,
    agent_id: d.agent_id,
    tool: d.tool,
    policy_version: d.policy_version,
    input_digest: d.input_digest,
    decision: d.decision,
    enforced: d.enforced,
    score: d.score,
    level: d.level,
    reasons: JSON.stringify(d.reasons),
    reason_rule_ids: d.reasons.map((x) => x.rule_id),
    shadow: d.shadow ? 1 : 0,
    stale: d.stale,
    view_age_ms: d.view_age_ms,
    approval_binding: d.approval_binding,
    caller: d.caller,
  };
}

export const ROW_MAPPERS: { readonly [T in TraceTable]: (input: unknown) => TraceRowByTable[T] } = {
  agent_actions: toAgentActionRow,
  findings: toFindingRow,
  risk_signals: toRiskSignalRow,
  decisions: toDecisionRow,
};
