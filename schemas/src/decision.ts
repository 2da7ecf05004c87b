import { z } from 'zod';
import { Action, Agent, Context, Credential, Principal, Task } from './agent-action';
import { Decision, EpochMs, Id, Level, Name, Score, Text, boundedArray } from './common';
import { Reason } from './finding';

/** A prospective action, asked about before it runs. */
export const DecisionRequest = z
  .object({
    session_id: Id.describe('The session about to act (same id as in its events).'),
    trace_id: Id.optional().describe('Its trace (root task), when known.'),
    parent_session_id: Id.nullable().optional().describe('The session that delegated to this one, when known.'),
    agent: Agent.partial({ spiffe_id: true })
      .extend({ type: Agent.shape.type.optional() })
      .describe('The acting workload (type and SPIFFE ID optional here; the session\'s known values apply).'),
    principal: Principal,
    task: Task.optional(),
    action: Action,
    credential: Credential.optional(),
    context: Context.optional(),
    approval_binding: Id.optional().describe('When retrying an action a human approved: the binding of the step-up that asked for it.'),
  })
  .strict()
  .describe('A prospective action, asked about before it runs (POST /v1/decisions).');
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const ApprovalObligation = z
  .object({
    binding: Id.describe('Id of the approval binding: answer it at POST /v1/approvals/{binding}, then retry with approval_binding.'),
    action_digest: Text(128).describe('sha256 of the session id and the exact action: only that action is unlocked.'),
    evidence_event_ids: boundedArray(Id, 16).describe('The events the step-up rests on (show them to the approver).'),
    expires_at: EpochMs.describe('Until when the binding can be answered and used.'),
  })
  .strict()
  .describe('For a step_up: what a human must approve, and how to present the approval.');
export type ApprovalObligation = z.infer<typeof ApprovalObligation>;

export const FAIL_MODES = ['fail_open', 'fail_closed'] as const;

export const DecisionResponse = z
  .object({
    decision_id: Id.describe('Id of this decision in the decision log.'),
    decision: Decision.describe('What the caller must enforce: allow (run it), step_up (a human approves first) or deny (do not run it).'),
    score: Score.describe('Session risk 0–100 including what this action itself would raise.'),
    level: Level.describe('low, medium, high or critical.'),
    reasons: boundedArray(Reason, 16).describe('Why, strongest first; show them to the user on deny or step_up.'),
    obligations: z
      .object({
        approval: ApprovalObligation.optional(),
      })
      .strict()
      .describe('What the caller must do besides the decision.'),
    policy_version: Name.describe('Version of catalog, rules and scoring that decided.'),
    view_age_ms: z.number().int().nonnegative().nullable().describe('Time since the live view was last confirmed current (null: never).'),
    stale: z.enum(FAIL_MODES).nullable().describe('null, or fail_open / fail_closed when the live view was stale and a fail mode decided.'),
    shadow: z
      .boolean()
      .describe('Shadow mode: the policy was evaluated but not enforced; decision is then always allow and would_be carries the real answer.'),
    would_be: Decision.optional().describe('Shadow mode only: what enforcement would have answered.'),
  })
  .strict()
  .describe('The answer to a DecisionRequest.');
export type DecisionResponse = z.infer<typeof DecisionResponse>;

export const DECISION_RECORD_KINDS = ['decision', 'approval', 'rejection'] as const;

/** One entry of the decision log (chainwatch.decisions). */
export const DecisionRecord = z
  .object({
    schema_version: z.literal(1).describe('Version of this record: 1.'),
    kind: z.enum(DECISION_RECORD_KINDS).describe('decision, or a human answer to a step-up (approval / rejection).'),
    decision_id: Id.describe('Id of the decision (as answered to the caller).'),
    ts: EpochMs.describe('When it was decided.'),
    session_id: Id.describe('The session.'),
    trace_id: Id.nullable().describe('Its trace, when given.'),
    agent_id: Id.nullable().describe('The acting agent, when known.'),
    tool: Name.nullable().describe('The tool asked about (null for an approval answer).'),
    policy_version: Name.describe('Version of catalog, rules and scoring that decided.'),
    input_digest: Text(128).describe('sha256 of the request as received (never the raw arguments).'),
    decision: Decision.describe('What the policy decided (the would-be decision in shadow mode).'),
    enforced: Decision.describe('What the caller was told to enforce.'),
    score: Score.describe('Risk 0–100.'),
    level: Level.describe('Risk level.'),
    reasons: boundedArray(Reason, 16).describe('Why, strongest first.'),
    shadow: z.boolean().describe('Decided in shadow mode.'),
    stale: z.enum(FAIL_MODES).nullable().describe('Fail mode applied because the live view was stale, or null.'),
    view_age_ms: z.number().int().nonnegative().nullable().describe('Age of the live view at the time.'),
    approval_binding: Id.nullable().describe('Binding created, presented or answered, when any.'),
    caller: Name.nullable().describe('Token subject of the caller (the approver for answers).'),
  })
  .strict()
  .describe('One entry of the decision log (chainwatch.decisions).');
export type DecisionRecord = z.infer<typeof DecisionRecord>;

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'used'] as const;

/**
 * The life of one step-up approval binding, as published on chainwatch.approvals (key: the binding
 * id, so compaction keeps its latest state): created pending by the decision-API instance that
 * answered step_up, approved or rejected by a human, used when the approved action was allowed.
 * Every decision-API instance reads the topic, so an approval given at one replica is honoured by
 * all; every session processor reads it, so an approval reaches the session state. Digests only,
 * never the raw action.
 */
export const ApprovalEvent = z
  .object({
    schema_version: z.literal(1).describe('Version of this record: 1.'),
    binding: Id.describe('Id of the binding (the compaction key).'),
    state: z.enum(APPROVAL_STATES).describe('pending, approved, rejected or used.'),
    session_id: Id.describe('The session whose action is bound.'),
    trace_id: Id.nullable().describe('Its trace, when known.'),
    action_digest: Text(128).min(1).describe('actionDigest() of the exact action (sha256 of its kind, tool, resource, destination, arguments and delegated session, as canonical JSON): what the caller presents when retrying, and what the session state keys approvals on.'),
    engine_digest: Text(128).min(1).describe('Equal to action_digest (one digest since 0.1; kept so that version 1 readers still find it).'),
    evidence_event_ids: boundedArray(Id, 16).describe('The events the step-up rested on.'),
    rule_ids: boundedArray(Name, 32).describe('Rules whose findings the approval covers.'),
    created_at: EpochMs.describe('When the step-up created the binding.'),
    expires_at: EpochMs.describe('Until when it can be answered and used.'),
    ts: EpochMs.describe('When this state was reached.'),
    by: Name.nullable().describe('The approver (approved / rejected), else null.'),
    /** The subject that asked for the step-up (separation of duties: it may not approve it). Absent in older records. */
    requested_by: Name.nullable().optional().describe('The subject that asked for the step-up; by default it may not approve it.'),
    origin: Id.describe('The decision-API instance that published it (instances skip their own records).'),
  })
  .strict()
  .describe('The life of one step-up approval binding (chainwatch.approvals, compacted by binding).');
export type ApprovalEvent = z.infer<typeof ApprovalEvent>;
