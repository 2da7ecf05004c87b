import { z } from 'zod';
import {
  ActionKind,
  DataClass,
  EpochMs,
  FreeText,
  Id,
  LIMITS,
  Name,
  Operation,
  Outcome,
  SpiffeId,
  Text,
  boundedArray,
} from './common';
import { jsonBoundsViolation, type JsonBoundsViolation } from './json-bounds';

export const SCHEMA_VERSION = 1 as const;

const Scope = Name;
const Entity = Text(LIMITS.resource).min(1);

/** Entities seen in a tool's result: what the tool output put in front of the agent. */
export const ResultEntities = z
  .object({
    emails: boundedArray(Entity, LIMITS.entities).default([]),
    urls: boundedArray(Entity, LIMITS.entities).default([]),
    domains: boundedArray(Entity, LIMITS.entities).default([]),
    ibans: boundedArray(Entity, LIMITS.entities).default([]),
    phones: boundedArray(Entity, LIMITS.entities).default([]),
  })
  .strict();
export type ResultEntities = z.infer<typeof ResultEntities>;

const ARGS_VIOLATION: Readonly<Record<JsonBoundsViolation, string>> = {
  depth: `must nest at most ${LIMITS.argsDepth} levels deep`,
  length: `must serialise to at most ${LIMITS.argsBytes} bytes`,
  ill_formed: 'every key and string must be well-formed Unicode (no lone surrogates)',
  not_json: 'must hold JSON values only',
};

/**
 * Tool arguments as passed by the agent: a JSON object, bounded in size and nesting, every string
 * well-formed. Checked without recursion (deep nesting cannot overflow the stack). Never logged,
 * never stored raw.
 */
export const ToolArgs = z.record(Text(LIMITS.name), z.unknown()).superRefine((v, ctx) => {
  const violation = jsonBoundsViolation(v, { maxDepth: LIMITS.argsDepth, maxLength: LIMITS.argsBytes });
  if (violation !== null) ctx.addIssue({ code: 'custom', message: ARGS_VIOLATION[violation] });
});
export type ToolArgs = z.infer<typeof ToolArgs>;

export const Agent = z
  .object({
    id: Id,
    type: Name,
    spiffe_id: SpiffeId,
    model: Name.optional(),
  })
  .strict();
export type Agent = z.infer<typeof Agent>;

/** On whose behalf; `act` is the delegation chain as in RFC 8693 (informational only). */
export const Principal = z
  .object({
    sub: Id,
    act: boundedArray(z.object({ sub: Id }).strict(), 16).default([]),
  })
  .strict();
export type Principal = z.infer<typeof Principal>;

export const Task = z
  .object({
    id: Id,
    intent: FreeText.optional(),
    scopes: boundedArray(Scope).default([]),
    max_data_class: DataClass.optional(),
    allowed_tools: boundedArray(Name, 256).optional(),
    allowed_destinations: boundedArray(Name, 256).optional(),
  })
  .strict();
export type Task = z.infer<typeof Task>;

export const Action = z
  .object({
    kind: ActionKind,
    tool: Name,
    operation: Operation.optional(),
    resource: Text(LIMITS.resource).optional(),
    data_class: DataClass.optional(),
    /** Domain, address or account the action sends to, or 'internal'. */
    destination: Text(LIMITS.resource).optional(),
    bytes: z.number().int().nonnegative().optional(),
    args_digest: Text(128).optional(),
    args: ToolArgs.optional(),
    /** For a delegation: the session that receives the work. */
    target_session_id: Id.optional(),
    result_entities: ResultEntities.optional(),
    result_bytes: z.number().int().nonnegative().optional(),
    result_error: z.boolean().optional(),
  })
  .strict();
export type Action = z.infer<typeof Action>;

export const Credential = z
  .object({
    token_id: Id,
    issued_at: EpochMs,
    expires_at: EpochMs,
    scopes: boundedArray(Scope).default([]),
    audience: Name,
  })
  .strict();
export type Credential = z.infer<typeof Credential>;

export const Context = z
  .object({
    source: Name,
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    injection_score: z.number().min(0).max(1).optional(),
    user_approved: z.boolean().optional(),
  })
  .strict();
export type Context = z.infer<typeof Context>;

/** One agent action, as published by an agent runtime or enforcement point. Kafka key: trace_id. */
export const AgentActionEvent = z
  .object({
    schema_version: z.literal(SCHEMA_VERSION),
    event_id: z.uuid(),
    ts: EpochMs,
    session_id: Id,
    trace_id: Id,
    parent_session_id: Id.nullable().default(null),
    agent: Agent,
    principal: Principal,
    task: Task,
    action: Action,
    credential: Credential.optional(),
    context: Context.optional(),
    outcome: Outcome.optional(),
  })
  .strict();
export type AgentActionEvent = z.infer<typeof AgentActionEvent>;
/** What producers may send (defaults not yet applied). */
export type AgentActionEventInput = z.input<typeof AgentActionEvent>;
