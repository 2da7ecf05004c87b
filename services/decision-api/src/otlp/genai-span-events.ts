/**
 * OpenTelemetry GenAI (and MCP) semantic-convention spans to AgentActionEvents. A tool execution
 * (gen_ai.operation.name = execute_tool, or an MCP tools/call span) becomes a tool_call event; an MCP
 * resources/read span a data_access event; an invoke_agent span nested under another agent's
 * invoke_agent span in the same export becomes a delegation event from the outer agent's session to
 * the inner one's. Every other span is counted and dropped, never stored. docs/integrate.md has the
 * mapping table.
 */
import { createHash } from 'node:crypto';
import { resultEntitiesFromTexts } from '@chainwatch/core';
import { AgentActionEvent, ToolArgs, type Action, type AgentActionEventInput } from '@chainwatch/schemas';
import { SPAN_KIND_SERVER, STATUS_ERROR, attrString, attrText, type AttrValue, type SpanView } from './otlp-spans';

export const OTLP_SOURCE = 'otlp';

export type SpanResult = 'event' | 'delegation' | 'duplicate' | 'not_tool' | 'invalid';

export interface MappedSpans {
  /** Valid events in time order (a delegation before the delegated agent's actions). */
  readonly events: AgentActionEvent[];
  readonly counts: Record<SpanResult, number>;
  /** First problem of each invalid span (never its content), at most 8. */
  readonly problems: string[];
}

export interface MappingOptions {
  /** Trust domain of the SPIFFE IDs made up for OTLP agents (they have none of their own). */
  readonly trustDomain?: string;
}

const A = {
  operation: 'gen_ai.operation.name',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolArgs: 'gen_ai.tool.call.arguments',
  toolResult: 'gen_ai.tool.call.result',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  conversation: 'gen_ai.conversation.id',
  model: 'gen_ai.request.model',
  mcpMethod: 'mcp.method.name',
  mcpSession: 'mcp.session.id',
  mcpResource: 'mcp.resource.uri',
  jsonrpcId: 'jsonrpc.request.id',
  errorType: 'error.type',
  userId: 'user.id',
  enduserId: 'enduser.id',
  serviceName: 'service.name',
  serviceInstance: 'service.instance.id',
} as const;

type Kind = 'tool' | 'resource_read' | 'agent' | 'other';

function kindOf(s: SpanView): Kind {
  const op = attrString(s.attributes.get(A.operation));
  const method = attrString(s.attributes.get(A.mcpMethod));
  if (op === 'execute_tool' || method === 'tools/call') return 'tool';
  if (method === 'resources/read') return 'resource_read';
  if (op === 'invoke_agent') return 'agent';
  return 'other';
}

const attr = (s: SpanView, key: string): AttrValue | undefined => s.attributes.get(key) ?? s.resource.get(key);
const str = (s: SpanView, key: string): string | undefined => attrString(s.attributes.get(key));

/** A UUID (version 8, RFC 9562) from a name: the same span or tool call always gets the same event id. */
export function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'unknown';
}

/** The spans of one export by id, with what a span inherits from the agents above it. */
class SpanTree {
  private readonly byId = new Map<string, SpanView>();

  constructor(
    spans: readonly SpanView[],
    private readonly trustDomain: string,
  ) {
    for (const s of spans) this.byId.set(`${s.traceId}/${s.spanId}`, s);
  }

  /** The nearest invoke_agent span above `s` in this export. */
  agentAbove(s: SpanView): SpanView | undefined {
    let parent = s.parentSpanId;
    for (let depth = 0; parent !== '' && depth < 64; depth++) {
      const p = this.byId.get(`${s.traceId}/${parent}`);
      if (p === undefined) return undefined;
      if (kindOf(p) === 'agent') return p;
      parent = p.parentSpanId;
    }
    return undefined;
  }

  agentSession(a: SpanView): string {
    return str(a, A.conversation) ?? `otel:${a.traceId}:${a.spanId}`;
  }

  sessionOf(s: SpanView, agent: SpanView | undefined): string {
    const conversation = str(s, A.conversation);
    if (conversation !== undefined) return conversation;
    const mcpSession = str(s, A.mcpSession);
    if (s.kind === SPAN_KIND_SERVER && mcpSession !== undefined) return `mcp:${mcpSession}`;
    if (agent !== undefined) return this.agentSession(agent);
    return s.parentSpanId !== '' ? `otel:${s.traceId}:${s.parentSpanId}` : `otel:${s.traceId}`;
  }

  identityOf(s: SpanView, agent: SpanView | undefined): Pick<AgentActionEventInput, 'agent' | 'principal'> {
    const service = attrString(s.resource.get(A.serviceName)) ?? 'otel-agent';
    const name = str(s, A.agentName) ?? (agent ? str(agent, A.agentName) : undefined);
    const id = str(s, A.agentId) ?? (agent ? str(agent, A.agentId) : undefined) ?? name ?? attrString(s.resource.get(A.serviceInstance)) ?? service;
    const type = name ?? service;
    const model = str(s, A.model) ?? (agent ? str(agent, A.model) : undefined);
    const user = attrString(attr(s, A.userId)) ?? attrString(attr(s, A.enduserId)) ?? (agent ? attrString(attr(agent, A.userId)) : undefined);
    return {
      agent: { id, type, spiffe_id: `spiffe://${this.trustDomain}/otel/${slug(service)}/${slug(type)}`, ...(model !== undefined ? { model } : {}) },
      principal: { sub: user ?? `service:${service}`, act: [] },
    };
  }
}

/** An invoke_agent span enclosed by another agent's span: the outer agent delegated to it. */
function delegationDraft(tree: SpanTree, s: SpanView, agent: SpanView): AgentActionEventInput {
  return {
    schema_version: 1,
    event_id: nameUuid(`otlp-delegation/${s.traceId}/${s.spanId}`),
    ts: s.startMs,
    session_id: tree.agentSession(agent),
    trace_id: s.traceId,
    parent_session_id: null,
    ...tree.identityOf(agent, tree.agentAbove(agent)),
    task: { id: `otel:${s.traceId}` },
    action: { kind: 'delegation', tool: 'invoke_agent', operation: 'delegate', target_session_id: tree.agentSession(s) },
    context: { source: OTLP_SOURCE },
    outcome: s.statusCode === STATUS_ERROR ? 'error' : 'allowed',
  };
}

/** A tool call or resource read; its event id is the call's (an MCP client span and its server span share it). */
function callDraft(tree: SpanTree, s: SpanView, action: Action, agent: SpanView | undefined): AgentActionEventInput {
  const errorType = str(s, A.errorType);
  const toolError = errorType === 'tool_error';
  if (toolError) action.result_error = true;
  const failed = s.statusCode === STATUS_ERROR && !toolError;
  if (failed) action.result_error = true;
  const callId = str(s, A.toolCallId);
  const mcpSession = str(s, A.mcpSession);
  const rpcId = attrText(s.attributes.get(A.jsonrpcId));
  const key = callId !== undefined ? `call/${callId}` : mcpSession !== undefined && rpcId !== undefined ? `mcp/${mcpSession}/${rpcId}` : `span/${s.spanId}`;
  const outerAgent = agent !== undefined ? tree.agentAbove(agent) : undefined;
  return {
    schema_version: 1,
    event_id: nameUuid(`otlp/${s.traceId}/${key}`),
    ts: s.startMs,
    session_id: tree.sessionOf(s, agent),
    trace_id: s.traceId,
    parent_session_id: outerAgent !== undefined ? tree.agentSession(outerAgent) : null,
    ...tree.identityOf(s, agent),
    task: { id: `otel:${s.traceId}` },
    action,
    context: { source: OTLP_SOURCE },
    outcome: failed || (errorType !== undefined && !toolError) ? 'error' : 'allowed',
  };
}

export function mapGenAiSpans(spans: readonly SpanView[], options: MappingOptions = {}): MappedSpans {
  const tree = new SpanTree(spans, options.trustDomain ?? 'otel.chainwatch.local');
  const counts: Record<SpanResult, number> = { event: 0, delegation: 0, duplicate: 0, not_tool: 0, invalid: 0 };
  const problems: string[] = [];
  const drafts: AgentActionEventInput[] = [];
  /** Event ids of tool calls drafted from an MCP server span (a client span of the same call replaces them). */
  const fromServer = new Map<string, number>();

  for (const s of spans) {
    const kind = kindOf(s);
    if (kind === 'other') {
      counts.not_tool++;
      continue;
    }
    const agent = tree.agentAbove(s);
    if (kind === 'agent') {
      // Context for the spans below it; a delegation when another agent's span encloses it.
      if (agent === undefined) counts.not_tool++;
      else drafts.push(delegationDraft(tree, s, agent));
      continue;
    }
    const action = kind === 'tool' ? toolAction(s) : resourceAction(s);
    if (action === null) {
      counts.invalid++;
      if (problems.length < 8) problems.push(`span ${s.spanId}: ${kind === 'tool' ? 'gen_ai.tool.name' : 'mcp.resource.uri'} missing`);
      continue;
    }
    const draft = callDraft(tree, s, action, agent);
    // The client and the server span of one MCP call make one event: the client's, which sits in the agent's tree.
    const serverAt = fromServer.get(draft.event_id);
    if (serverAt !== undefined && s.kind !== SPAN_KIND_SERVER) {
      drafts[serverAt] = draft;
      fromServer.delete(draft.event_id);
      counts.duplicate++;
      continue;
    }
    if (s.kind === SPAN_KIND_SERVER) fromServer.set(draft.event_id, drafts.length);
    drafts.push(draft);
  }
  const events = validEvents(drafts, counts, problems);
  return { events, counts, problems };
}

/** The drafts that pass the contract, once per event id, in time order (a delegation first at equal times: the delegated session then starts as a child). */
function validEvents(drafts: readonly AgentActionEventInput[], counts: Record<SpanResult, number>, problems: string[]): AgentActionEvent[] {
  const events: AgentActionEvent[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    // Spans of one call reported twice (two client spans, or two server spans): the first counts.
    if (seen.has(d.event_id)) {
      counts.duplicate++;
      continue;
    }
    seen.add(d.event_id);
    const parsed = AgentActionEvent.safeParse(d);
    if (parsed.success) {
      events.push(parsed.data);
      if (parsed.data.action.kind === 'delegation') counts.delegation++;
      else counts.event++;
    } else {
      counts.invalid++;
      const issue = parsed.error.issues[0];
      if (problems.length < 8) problems.push(`${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid event'}`);
    }
  }
  events.sort((a, b) => a.ts - b.ts || (a.action.kind === 'delegation' ? -1 : b.action.kind === 'delegation' ? 1 : 0));
  return events;
}

function toolAction(s: SpanView): Action | null {
  let tool = attrString(s.attributes.get(A.toolName));
  // MCP client spans are named "tools/call {tool}" and carry gen_ai.tool.name; older ones only the name.
  if (tool === undefined && s.name.startsWith('tools/call ')) tool = s.name.slice('tools/call '.length).trim() || undefined;
  if (tool === undefined) return null;
  const action: Action = { kind: 'tool_call', tool };
  const args = argsOf(s.attributes.get(A.toolArgs));
  if (args !== undefined) {
    if (ToolArgs.safeParse(args).success) action.args = args;
    else action.args_digest = `sha256:${createHash('sha256').update(JSON.stringify(args)).digest('hex')}`;
  }
  const result = attrText(s.attributes.get(A.toolResult));
  if (result !== undefined) {
    const entities = resultEntitiesFromTexts([result]);
    if (entities !== undefined) action.result_entities = entities;
    action.result_bytes = Buffer.byteLength(result);
  }
  return action;
}

function resourceAction(s: SpanView): Action | null {
  const uri = attrString(s.attributes.get(A.mcpResource));
  if (uri === undefined) return null;
  return { kind: 'data_access', tool: 'resources/read', operation: 'read', resource: uri };
}

/** gen_ai.tool.call.arguments: structured (a key-value list) or a JSON string, per the conventions. */
function argsOf(v: AttrValue | undefined): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : undefined;
}
