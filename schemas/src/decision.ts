import { z } from 'zod';
import { Action, Agent, Context, Credential, Principal, Task } from './agent-action';
import { Decision, EpochMs, Id, Level, Name, Score, Text, boundedArray } from './common';
import { Reason } from './finding';

/** A prospective action, asked about before it runs. */
export const DecisionRequest = z
  .object({
    session_id: Id,
    trace_id: Id.optional(),
    parent_session_id: Id.nullable().optional(),
    agent: Agent.partial({ spiffe_id: true }).extend({ type: Agent.shape.type.optional() }),
    principal: Principal,
    task: Task.optional(),
    action: Action,
    credential: Credential.optional(),
    context: Context.optional(),
    /** Present when retrying an action a human approved. */
    approval_binding: Id.optional(),
  })
  .strict();
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const ApprovalObligation = z
  .object({
    binding: Id,
    action_digest: Text(128),
    evidence_event_ids: boundedArray(Id, 16),
    expires_at: EpochMs,
  })
  .strict();
export type ApprovalObligation = z.infer<typeof ApprovalObligation>;

export const FAIL_MODES = ['fail_open', 'fail_closed'] as const;

export const DecisionResponse = z
  .object({
    decision_id: Id,
    decision: Decision,
    score: Score,
    level: Level,
    reasons: boundedArray(Reason, 16),
    obligations: z
      .object({
        approval: ApprovalObligation.optional(),
      })
      .strict(),
    policy_version: Name,
    view_age_ms: z.number().int().nonnegative().nullable(),
    /** The live view was stale or missing and a fail mode decided. */
    stale: z.enum(FAIL_MODES).nullable(),
    /**
     * Shadow mode: the policy was evaluated but not enforced. `decision` is what the caller must
     * enforce (always allow in shadow mode); `would_be` is what enforcement would have answered.
     */
    shadow: z.boolean(),
    would_be: Decision.optional(),
  })
  .strict();
export type DecisionResponse = z.infer<typeof DecisionResponse>;

export const DECISION_RECORD_KINDS = ['decision', 'approval', 'rejection'] as const;

/** One entry of the decision log (chainwatch.decisions). */
export const DecisionRecord = z
  .object({
    schema_version: z.literal(1),
    kind: z.enum(DECISION_RECORD_KINDS),
    decision_id: Id,
    ts: EpochMs,
    session_id: Id,
    trace_id: Id.nullable(),
    agent_id: Id.nullable(),
    tool: Name.nullable(),
    policy_version: Name,
    input_digest: Text(128),
    decision: Decision,
    enforced: Decision,
    score: Score,
    level: Level,
    reasons: boundedArray(Reason, 16),
    shadow: z.boolean(),
    stale: z.enum(FAIL_MODES).nullable(),
    view_age_ms: z.number().int().nonnegative().nullable(),
    approval_binding: Id.nullable(),
    caller: Name.nullable(),
  })
  .strict();
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
    schema_version: z.literal(1),
    binding: Id,
    state: z.enum(APPROVAL_STATES),
    session_id: Id,
    trace_id: Id.nullable(),
    /** sha256 of the session id and the exact action: what the caller presents when retrying. */
    action_digest: Text(128).min(1),
    /** The detection core's digest of the same action (what the session state keys approvals on). */
    engine_digest: Text(128).min(1),
    evidence_event_ids: boundedArray(Id, 16),
    /** Rules whose findings the approval covers. */
    rule_ids: boundedArray(Name, 32),
    created_at: EpochMs,
    expires_at: EpochMs,
    /** When this state was reached. */
    ts: EpochMs,
    /** The approver (approved / rejected). */
    by: Name.nullable(),
    /**
     * Token subject of the decision request that asked for the step-up (separation of duties: by
     * default it cannot answer it). Optional: records written before it existed lack it.
     */
    requested_by: Name.nullable().optional(),
    /** The decision-API instance that published it (instances skip their own records). */
    origin: Id,
  })
  .strict();
export type ApprovalEvent = z.infer<typeof ApprovalEvent>;
