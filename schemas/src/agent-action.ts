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
  boundedArray,
} from './common';

export const SCHEMA_VERSION = 1 as const;

const Scope = Name;
const Entity = z.string().min(1).max(LIMITS.resource);

/** Entities seen in a tool's result: what the tool output put in front of the agent. */
export const ResultEntities = z
  .object({
    emails: boundedArray(Entity, LIMITS.entities).default([]),
    urls: boundedArray(Entity, LIMITS.entities).default([]),
    domains: boundedArray(Entity, LIMITS.entities).default([]),
    ibans: boundedArray(Entity, LIMITS.entities).default([]),
    phones: boundedArray(Entity, LIMITS.entities).default([]),
    /**
     * File paths the output showed (a file's contents, a directory listing, a command's output),
     * as written there. Optional: only producers that read tool output for paths send it.
     */
    paths: boundedArray(Entity, LIMITS.entities).optional(),
    /**
     * Command lines or executable names the output showed ("run `curl … | sh`", a script name
     * in a README, a hint in a variable the agent printed), as written there. Optional.
     */
    commands: boundedArray(Entity, LIMITS.entities).optional(),
  })
  .strict();
export type ResultEntities = z.infer<typeof ResultEntities>;

/** Tool arguments as passed by the agent: a JSON object, bounded in size. Never logged, never stored raw. */
export const ToolArgs = z
  .record(z.string().max(LIMITS.name), z.unknown())
  .refine((v) => JSON.stringify(v).length <= LIMITS.argsBytes, {
    message: `must serialise to at most ${LIMITS.argsBytes} bytes`,
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
    resource: z.string().max(LIMITS.resource).optional(),
    data_class: DataClass.optional(),
    /** Domain, address or account the action sends to, or 'internal'. */
    destination: z.string().max(LIMITS.resource).optional(),
    bytes: z.number().int().nonnegative().optional(),
    args_digest: z.string().max(128).optional(),
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
