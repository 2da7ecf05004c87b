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
    emails: boundedArray(Entity, LIMITS.entities).default([]).describe('E-mail addresses found in the result.'),
    urls: boundedArray(Entity, LIMITS.entities).default([]).describe('URLs found in the result.'),
    domains: boundedArray(Entity, LIMITS.entities)
      .default([])
      .describe('Domains found in the result, bare or as the host of an address or URL.'),
    ibans: boundedArray(Entity, LIMITS.entities).default([]).describe('IBANs (bank accounts) found in the result.'),
    phones: boundedArray(Entity, LIMITS.entities).default([]).describe('Phone numbers found in the result, as written.'),
    paths: boundedArray(Entity, LIMITS.entities)
      .optional()
      .describe(
        'File paths the output showed (a file\'s contents, a directory listing, a command\'s output), as written there. ' +
          'Optional: only producers that read tool output for paths send it.',
      ),
    commands: boundedArray(Entity, LIMITS.entities)
      .optional()
      .describe(
        'Command lines or executable names the output showed (an instruction in a file, a script named in a README, a hint in ' +
          'a variable the agent printed), as written there. Optional.',
      ),
  })
  .strict()
  .describe(
    'Parties (addresses, hosts, accounts, numbers) that the tool result put in front of the agent: extracted by the ' +
      'enforcement point from the result, never the result text itself. The data-flow detector traces later destinations to them.',
  );
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
}).describe(
  `Tool arguments as the agent passed them (a JSON object, at most ${LIMITS.argsBytes} bytes serialised, ${LIMITS.argsDepth} levels deep). ` +
    'Used to find recipients, hosts, accounts, paths and commands and to trace where each came from; never logged, never stored raw.',
);
export type ToolArgs = z.infer<typeof ToolArgs>;

/**
 * The tool's MCP annotations (ToolAnnotations of the MCP specification), as the server declared
 * them in tools/list. Hints from the server, not guarantees; the detection core uses them for tools
 * its catalog does not know.
 */
export const ToolAnnotations = z
  .object({
    title: z.string().max(256).optional().describe('MCP title: a human-readable name of the tool ("Run a shell command"); recognises shell-like tools.'),
    readOnlyHint: z.boolean().optional().describe('MCP readOnlyHint: the tool does not modify its environment (MCP default false).'),
    destructiveHint: z
      .boolean()
      .optional()
      .describe('MCP destructiveHint: the tool may perform destructive updates (meaningful when not read-only; MCP default true).'),
    idempotentHint: z
      .boolean()
      .optional()
      .describe('MCP idempotentHint: calling it again with the same arguments has no further effect (MCP default false).'),
    openWorldHint: z
      .boolean()
      .optional()
      .describe('MCP openWorldHint: the tool interacts with an open world of external entities, e.g. the web (MCP default true).'),
  })
  .strict()
  .describe(
    'The tool\'s MCP annotations as its server declared them in tools/list (hints, not guarantees). Used for tools the ' +
      'catalog does not know: how far their output is trusted and whether they can send data out.',
  );
export type ToolAnnotations = z.infer<typeof ToolAnnotations>;

export const Agent = z
  .object({
    id: Id.describe('The acting agent instance (workload), stable for its lifetime.'),
    type: Name.describe('The kind of agent (e.g. support-assistant); tool-transition baselines are learned per type.'),
    spiffe_id: SpiffeId.describe(
      'SPIFFE ID of the workload, like spiffe://example.org/ns/x/sa/y; credential hygiene flags a session whose workload changes.',
    ),
    model: Name.optional().describe('The model behind the agent, when known.'),
  })
  .strict()
  .describe('The acting workload.');
export type Agent = z.infer<typeof Agent>;

/** On whose behalf; `act` is the delegation chain as in RFC 8693 (informational only). */
export const Principal = z
  .object({
    sub: Id.describe('The principal (user or service) on whose behalf the agent acts.'),
    act: boundedArray(z.object({ sub: Id.describe('An actor of the delegation chain.') }).strict(), 16)
      .default([])
      .describe(
        'The delegation chain as in RFC 8693 `act` (outermost first). Informational: effective authority comes from the ' +
          'observed delegation tree, and a claimed chain that does not match it is flagged.',
      ),
  })
  .strict()
  .describe('On whose behalf the action runs.');
export type Principal = z.infer<typeof Principal>;

export const Task = z
  .object({
    id: Id.describe('The task the session works on.'),
    intent: FreeText.optional().describe(
      'The task as the principal stated it. Destinations, recipients and accounts written here count as legitimately ' +
        'requested (provenance), and its words feed the intent heuristics.',
    ),
    scopes: boundedArray(Scope)
      .default([])
      .describe('Scopes granted to the task. With the credential\'s scopes and the delegating session\'s, they bound effective authority.'),
    max_data_class: DataClass.optional().describe('Highest data class the task may touch; reading above it is scope drift.'),
    allowed_tools: boundedArray(Name, 256)
      .optional()
      .describe('Tools the task may use; any other tool is outside the envelope (denied with the missing tool named).'),
    allowed_destinations: boundedArray(Name, 256)
      .optional()
      .describe('Domains, addresses or accounts the task may send to; any other destination is outside the envelope.'),
  })
  .strict()
  .describe('The envelope the task was granted. Authority is checked first: an action outside a declared envelope is denied.');
export type Task = z.infer<typeof Task>;

export const Action = z
  .object({
    kind: ActionKind.describe('What sort of action: tool_call, data_access, delegation, auth or message.'),
    tool: Name.describe('Tool name as the agent called it; the catalog (else the MCP annotations, else the name) says what it does.'),
    operation: Operation.optional().describe(
      'read, write, delete, send, execute or delegate. When absent, taken from the catalog, the annotations or the tool name.',
    ),
    resource: Text(LIMITS.resource)
      .optional()
      .describe('What the action touches (path, table, URL, mailbox), when known.'),
    data_class: DataClass.optional().describe(
      'Class of the data involved (public … secret). When absent, the catalog\'s class for the tool; reading confidential or above taints the session.',
    ),
    destination: Text(LIMITS.resource)
      .optional()
      .describe('Domain, address or account the action sends to, or \'internal\'. When absent, found in the arguments.'),
    bytes: z.number().int().nonnegative().optional().describe('Size of the data sent or read, when known.'),
    args_digest: Text(128).optional().describe('A digest of the arguments, when the arguments themselves are not sent.'),
    args: ToolArgs.optional(),
    target_session_id: Id.optional().describe('For a delegation: the session that receives the work (becomes a child of this session).'),
    annotations: ToolAnnotations.optional(),
    result_entities: ResultEntities.optional(),
    result_bytes: z.number().int().nonnegative().optional().describe('Size of the tool result in bytes (after the fact).'),
    result_error: z.boolean().optional().describe('The tool answered with an error (after the fact).'),
  })
  .strict()
  .describe('The action itself.');
export type Action = z.infer<typeof Action>;

export const Credential = z
  .object({
    token_id: Id.describe('Identifier of the token used (e.g. its jti); a token reused across sessions or tasks is flagged.'),
    issued_at: EpochMs.describe('When the token was issued, epoch milliseconds.'),
    expires_at: EpochMs.describe('When the token expires, epoch milliseconds; long-lived and expired tokens are flagged.'),
    scopes: boundedArray(Scope).default([]).describe('Scopes the token grants; part of the effective-authority intersection.'),
    audience: Name.describe('The token\'s audience.'),
  })
  .strict()
  .describe('The token used for the action, when known.');
export type Credential = z.infer<typeof Credential>;

export const Context = z
  .object({
    source: Name.describe('Which enforcement point or runtime reported the action (e.g. mcp-proxy, otlp, gateway).'),
    ip: z.union([z.ipv4(), z.ipv6()]).optional().describe('Client address seen by the enforcement point.'),
    injection_score: z.number().min(0).max(1).optional().describe('Prompt-injection likelihood from the enforcement point\'s own classifier, 0–1.'),
    user_approved: z.boolean().optional().describe('The action ran under a human approval (set it on the event of an approved step-up).'),
  })
  .strict()
  .describe('Signals from the enforcement point.');
export type Context = z.infer<typeof Context>;

/** One agent action, as published by an agent runtime or enforcement point. Kafka key: trace_id. */
export const AgentActionEvent = z
  .object({
    schema_version: z.literal(SCHEMA_VERSION).describe('Version of this contract: 1.'),
    event_id: z.uuid().describe('UUID unique per action; the idempotency key everywhere (duplicates are ignored).'),
    ts: EpochMs.describe('When the action happened, epoch milliseconds.'),
    session_id: Id.describe('One agent instance working on one task; detection state is kept per session.'),
    trace_id: Id.describe('The root task or user request, which may span several agents; the Kafka key.'),
    parent_session_id: Id.nullable()
      .default(null)
      .describe('The session that delegated to this one, or null.'),
    agent: Agent,
    principal: Principal,
    task: Task,
    action: Action,
    credential: Credential.optional(),
    context: Context.optional(),
    outcome: Outcome.optional().describe('allowed, denied or error, as enforced, when reported after the fact.'),
  })
  .strict()
  .describe('One agent action, as published by an agent runtime or enforcement point.');
export type AgentActionEvent = z.infer<typeof AgentActionEvent>;
/** What producers may send (defaults not yet applied). */
export type AgentActionEventInput = z.input<typeof AgentActionEvent>;
