import type { AgentActionEvent, DataClass, Operation, Outcome, ResultEntities, ToolAnnotations } from '@chainwatch/schemas';
import type { Rng } from './prng';
import { SIM_AGENT_MODEL, SIM_AGENT_NAMESPACE, SIM_TOOLS, SIM_TRUST_DOMAIN, type SimAgentType, type SimTool, type SimToolName } from './sim-tools';

type Task = AgentActionEvent['task'];
type Credential = NonNullable<AgentActionEvent['credential']>;

export interface SessionSpec {
  readonly agentType: SimAgentType;
  readonly intent: string;
  readonly scopes: readonly string[];
  readonly maxDataClass?: DataClass;
  readonly allowedTools?: readonly string[];
  readonly allowedDestinations?: readonly string[];
  /** Scopes of the session's token; defaults to the task scopes. */
  readonly credentialScopes?: readonly string[];
  /** Token lifetime in ms (default 15 minutes). */
  readonly credentialLifetimeMs?: number;
  /** Reuse another session's credential (token reuse). */
  readonly credential?: Credential;
  /** Claimed RFC 8693 act chain; defaults to the observed chain (this agent first, then its delegators). */
  readonly claimedAct?: readonly string[];
}

export interface CallOptions {
  readonly resource?: string;
  readonly destination?: string;
  readonly args?: Record<string, unknown>;
  readonly dataClass?: DataClass;
  readonly bytes?: number;
  readonly resultEntities?: Partial<ResultEntities>;
  readonly resultBytes?: number;
  readonly injectionScore?: number;
  readonly outcome?: Outcome;
  /** Act as a different workload than the session's (SPIFFE mismatch). */
  readonly spiffeId?: string;
  /** Use this credential for this one call. */
  readonly credential?: Credential;
  /** Delay before the call, ms (default: a few seconds, drawn from the seed). */
  readonly delayMs?: number;
}

/**
 * A call as an enforcement point that knows only the tool's name sees it: no operation, data class
 * or resource, just the arguments, the MCP annotations when the server declares them, and what
 * the result put in front of the agent (entities, size).
 */
export interface RawCallOptions {
  readonly args?: Record<string, unknown>;
  readonly annotations?: ToolAnnotations;
  readonly resultEntities?: Partial<ResultEntities>;
  readonly resultBytes?: number;
  readonly outcome?: Outcome;
  readonly spiffeId?: string;
  readonly credential?: Credential;
  /** Act for another principal than the trace's user (principal union). */
  readonly principal?: string;
  readonly resultError?: boolean;
  /** When the enforcement point knows the operation (most do not). */
  readonly operation?: Operation;
  /** The enforcement point's prompt-injection score of the content behind the call. */
  readonly injectionScore?: number;
  readonly delayMs?: number;
}

const ENTITY_KEYS = ['emails', 'urls', 'domains', 'ibans', 'phones'] as const;

/** Result entities, with the optional paths and commands an output showed when there are any. */
function entitiesOf(e: Partial<ResultEntities>): ResultEntities {
  const out = Object.fromEntries(ENTITY_KEYS.map((k) => [k, [...(e[k] ?? [])]])) as ResultEntities;
  if (e.paths !== undefined && e.paths.length > 0) out.paths = [...e.paths];
  if (e.commands !== undefined && e.commands.length > 0) out.commands = [...e.commands];
  return out;
}

/** Builds the events of one trace: sessions, delegations, tool calls, on a simulated clock. */
export class TraceBuilder {
  readonly traceId: string;
  readonly events: AgentActionEvent[] = [];
  private clock: number;

  constructor(
    readonly rng: Rng,
    now: number,
    readonly user: string,
  ) {
    this.traceId = `trace-${rng.hex(16)}`;
    this.clock = now;
  }

  /** Advances the simulated clock and returns the new time. */
  tick(delayMs?: number): number {
    this.clock += delayMs ?? this.rng.between(250, 4_000);
    return this.clock;
  }

  get now(): number {
    return this.clock;
  }

  root(spec: SessionSpec): SimSession {
    return new SimSession(this, spec, null);
  }

  newCredential(scopes: readonly string[], audience: string, lifetimeMs = 15 * 60_000): Credential {
    const issued = this.clock - this.rng.between(1_000, 120_000);
    return { token_id: `tok-${this.rng.hex(24)}`, issued_at: issued, expires_at: issued + lifetimeMs, scopes: [...scopes], audience };
  }
}

export class SimSession {
  readonly id: string;
  readonly agentId: string;
  readonly spiffeId: string;
  readonly task: Task;
  readonly credential: Credential;
  readonly act: ReadonlyArray<{ sub: string }>;
  /** Observed chain of actors: this agent, then the agents that delegated to it. */
  readonly chain: readonly string[];

  constructor(
    private readonly trace: TraceBuilder,
    readonly spec: SessionSpec,
    readonly parent: SimSession | null,
  ) {
    const rng = trace.rng;
    this.id = `sess-${rng.hex(16)}`;
    this.agentId = `${spec.agentType}-${rng.hex(6)}`;
    const ns = SIM_AGENT_NAMESPACE[spec.agentType];
    this.spiffeId = `spiffe://${SIM_TRUST_DOMAIN}/ns/${ns}/sa/${spec.agentType}`;
    this.task = {
      id: `task-${rng.hex(10)}`,
      intent: spec.intent,
      scopes: [...spec.scopes],
      ...(spec.maxDataClass ? { max_data_class: spec.maxDataClass } : {}),
      ...(spec.allowedTools ? { allowed_tools: [...spec.allowedTools] } : {}),
      ...(spec.allowedDestinations ? { allowed_destinations: [...spec.allowedDestinations] } : {}),
    };
    this.credential =
      spec.credential ??
      trace.newCredential(spec.credentialScopes ?? spec.scopes, `https://api.example.com/${ns}`, spec.credentialLifetimeMs);
    this.chain = [this.agentId, ...(parent?.chain ?? [])];
    this.act = (spec.claimedAct ?? this.chain).map((sub) => ({ sub }));
  }

  get agentType(): SimAgentType {
    return this.spec.agentType;
  }

  /** One tool call / data access / message by this session. */
  call(tool: SimToolName, options: CallOptions = {}): AgentActionEvent {
    const spec: SimTool = SIM_TOOLS[tool];
    const rng = this.trace.rng;
    const ts = this.trace.tick(options.delayMs);
    const entities = options.resultEntities;
    const event: AgentActionEvent = {
      schema_version: 1,
      event_id: rng.uuid(),
      ts,
      session_id: this.id,
      trace_id: this.trace.traceId,
      parent_session_id: this.parent?.id ?? null,
      agent: {
        id: this.agentId,
        type: this.spec.agentType,
        spiffe_id: options.spiffeId ?? this.spiffeId,
        model: SIM_AGENT_MODEL[this.spec.agentType],
      },
      principal: { sub: this.trace.user, act: this.act.map((a) => ({ ...a })) },
      task: { ...this.task, scopes: [...this.task.scopes] },
      action: {
        kind: spec.kind,
        tool,
        operation: spec.operation,
        resource: options.resource ?? defaultResource(tool, rng),
        data_class: options.dataClass ?? spec.dataClass,
        ...(options.destination !== undefined ? { destination: options.destination } : {}),
        bytes: options.bytes ?? rng.between(200, 20_000),
        args_digest: `sha256:${rng.hex(64)}`,
        ...(options.args ? { args: options.args } : {}),
        ...(entities
          ? {
              result_entities: Object.fromEntries(ENTITY_KEYS.map((k) => [k, [...(entities[k] ?? [])]])) as ResultEntities,
            }
          : {}),
        ...(spec.operation === 'read' ? { result_bytes: options.resultBytes ?? rng.between(500, 50_000) } : {}),
      },
      credential: { ...(options.credential ?? this.credential), scopes: [...(options.credential ?? this.credential).scopes] },
      context: {
        source: spec.kind === 'delegation' ? 'agent-runtime' : 'mcp-proxy',
        ...(options.injectionScore !== undefined ? { injection_score: options.injectionScore } : {}),
      },
      outcome: options.outcome ?? 'allowed',
    };
    this.trace.events.push(event);
    return event;
  }

  /** One call of a tool the catalog may not know, as the enforcement point sees it (RawCallOptions). */
  use(tool: string, options: RawCallOptions = {}): AgentActionEvent {
    const rng = this.trace.rng;
    const ts = this.trace.tick(options.delayMs);
    const entities = options.resultEntities;
    const cred = options.credential ?? this.credential;
    const event: AgentActionEvent = {
      schema_version: 1,
      event_id: rng.uuid(),
      ts,
      session_id: this.id,
      trace_id: this.trace.traceId,
      parent_session_id: this.parent?.id ?? null,
      agent: { id: this.agentId, type: this.spec.agentType, spiffe_id: options.spiffeId ?? this.spiffeId, model: SIM_AGENT_MODEL[this.spec.agentType] },
      principal: { sub: options.principal ?? this.trace.user, act: this.act.map((a) => ({ ...a })) },
      task: { ...this.task, scopes: [...this.task.scopes] },
      action: {
        kind: 'tool_call',
        tool,
        ...(options.operation !== undefined ? { operation: options.operation } : {}),
        ...(options.args ? { args: options.args } : {}),
        ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
        ...(entities ? { result_entities: entitiesOf(entities) } : {}),
        result_bytes: options.resultBytes ?? rng.between(200, 20_000),
        ...(options.resultError !== undefined ? { result_error: options.resultError } : {}),
      },
      credential: { ...cred, scopes: [...cred.scopes] },
      context: { source: 'mcp-proxy', ...(options.injectionScore !== undefined ? { injection_score: options.injectionScore } : {}) },
      outcome: options.outcome ?? 'allowed',
    };
    this.trace.events.push(event);
    return event;
  }

  /** Delegates a sub-task: a delegation event here, then the child session that received it. */
  delegate(spec: SessionSpec): SimSession {
    const child = new SimSession(this.trace, spec, this);
    this.delegationEvent(child);
    return child;
  }

  /** Hands work to a session that already exists (a cycle when it is an ancestor). */
  delegateTo(target: SimSession): AgentActionEvent {
    return this.delegationEvent(target);
  }

  private delegationEvent(child: SimSession): AgentActionEvent {
    const rng = this.trace.rng;
    const ts = this.trace.tick();
    const event: AgentActionEvent = {
      schema_version: 1,
      event_id: rng.uuid(),
      ts,
      session_id: this.id,
      trace_id: this.trace.traceId,
      parent_session_id: this.parent?.id ?? null,
      agent: { id: this.agentId, type: this.spec.agentType, spiffe_id: this.spiffeId, model: SIM_AGENT_MODEL[this.spec.agentType] },
      principal: { sub: this.trace.user, act: this.act.map((a) => ({ ...a })) },
      task: { ...this.task, scopes: [...this.task.scopes] },
      action: {
        kind: 'delegation',
        tool: 'agent.delegate',
        operation: 'delegate',
        resource: child.agentType,
        data_class: 'internal',
        target_session_id: child.id,
      },
      credential: { ...this.credential, scopes: [...this.credential.scopes] },
      context: { source: 'agent-runtime' },
      outcome: 'allowed',
    };
    this.trace.events.push(event);
    return event;
  }
}

function defaultResource(tool: SimToolName, rng: Rng): string {
  switch (tool) {
    case 'kb.search':
      return `kb://articles/${rng.between(100, 999)}`;
    case 'tickets.get':
    case 'tickets.update':
      return `tickets://SUP-${rng.between(10_000, 99_999)}`;
    case 'crm.lookup_customer':
      return `crm://customers/${rng.between(100_000, 999_999)}`;
    case 'crm.export_customers':
      return 'crm://customers/*';
    case 'repo.search':
    case 'repo.read_file':
    case 'repo.write_file':
      return `git://example.com/platform/${rng.pick(['api', 'billing', 'web', 'auth'])}/src/${rng.pick(['handler', 'service', 'model', 'routes'])}${rng.between(1, 40)}.ts`;
    case 'ci.run_tests':
      return `ci://pipelines/${rng.between(1000, 9999)}`;
    case 'secrets.get':
      return `vault://kv/prod/${rng.pick(['db-password', 'stripe-key', 'aws-root'])}`;
    case 'ledger.query':
      return `ledger://entries/${rng.pick(['2026-q3', '2026-q4'])}`;
    case 'invoices.list':
      return 'erp://invoices?status=open';
    case 'reports.generate':
      return `reports://finance/${rng.hex(8)}`;
    case 'notes.write':
      return `notes://research/${rng.hex(8)}`;
    default:
      return tool;
  }
}
