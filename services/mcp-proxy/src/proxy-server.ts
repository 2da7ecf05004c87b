/**
 * One downstream MCP session: an SDK Server mirroring the upstream's capabilities. tools/list goes
 * through unchanged (each tool's annotations and input schema recorded on the way), tools/call goes
 * through the gate, every other request (resources, prompts, completion, logging) is forwarded as is.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  ResultSchema,
  type CallToolResult,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@chainwatch/runtime';
import type { CallContext, ToolCallGate } from './tool-call-gate';
import type { SessionIdentity, HeaderBag } from './identity';
import type { ToolRegistry } from './tool-registry';
import type { VerifiedClaims } from './bearer-verifier';
import { PROXY_INFO } from './upstream';

export interface ProxySessionOptions {
  readonly upstream: Client;
  readonly gate: ToolCallGate;
  readonly registry: ToolRegistry;
  readonly logger: Logger;
  /** The session id when the transport has none (stdio). */
  readonly fixedSessionId?: string;
  readonly identity: (sessionId: string, sources: { headers?: HeaderBag; claims?: VerifiedClaims }) => SessionIdentity;
  readonly approvals: 'elicitation' | 'binding';
  readonly approvalTimeoutMs: number;
  readonly upstreamTimeoutMs: number;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The W3C trace id of a request's `_meta.traceparent` (MCP semantic conventions), when present and valid. */
export function traceIdOf(meta: unknown): string | undefined {
  const tp = (meta as { traceparent?: unknown } | undefined)?.traceparent;
  if (typeof tp !== 'string') return undefined;
  const m = TRACEPARENT.exec(tp);
  return m === null || m[1] === '00000000000000000000000000000000' ? undefined : m[1];
}

export function createProxySession(options: ProxySessionOptions): Server {
  const capabilities: ServerCapabilities = { ...(options.upstream.getServerCapabilities() ?? {}) };
  const instructions = options.upstream.getInstructions();
  const server = new Server({ ...PROXY_INFO, ...(options.upstream.getServerVersion() ?? {}) }, {
    capabilities,
    ...(instructions !== undefined ? { instructions } : {}),
  });
  const timeout = options.upstreamTimeoutMs;

  if (capabilities.tools !== undefined) {
    server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
      const result = await options.upstream.request({ method: 'tools/list', params: request.params }, ListToolsResultSchema, { signal: extra.signal, timeout });
      const changed = options.registry.record(result.tools);
      if (changed.length > 0) options.logger.warn({ tools: changed.slice(0, 16) }, 'tool definitions changed since first listed');
      return result;
    });

    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const sessionId = extra.sessionId ?? options.fixedSessionId ?? 'mcp-session';
      const claims = (extra.authInfo?.extra as { claims?: VerifiedClaims } | undefined)?.claims;
      const identity = options.identity(sessionId, {
        ...(extra.requestInfo?.headers ? { headers: extra.requestInfo.headers } : {}),
        ...(claims ? { claims } : {}),
      });
      const canElicit = options.approvals === 'elicitation' && server.getClientCapabilities()?.elicitation !== undefined;
      const ctx: CallContext = {
        sessionId,
        traceId: traceIdOf(request.params._meta) ?? sessionId,
        identity,
        // A call the client gave up on (its own timeout, cancellation) stops waiting for the user, and is not forwarded.
        elicit: canElicit ? (message) => askApproval(server, message, options.approvalTimeoutMs, extra.signal) : null,
      };
      return options.gate.call(request.params.name, request.params.arguments, ctx, () =>
        // Validated once, by the SDK server on the way out (CallToolResultSchema), not twice.
        options.upstream.request({ method: 'tools/call', params: request.params }, ResultSchema, { signal: extra.signal, timeout }) as Promise<CallToolResult>,
      );
    });
  }

  // Everything else the upstream serves goes through as is.
  server.fallbackRequestHandler = async (request, extra) =>
    options.upstream.request({ method: request.method, params: request.params } as Parameters<Client['request']>[0], ResultSchema, {
      signal: extra.signal,
      timeout,
    });
  return server;
}

async function askApproval(server: Server, message: string, timeoutMs: number, signal: AbortSignal): Promise<boolean | null> {
  try {
    const answer = await server.elicitInput(
      {
        message,
        requestedSchema: {
          type: 'object',
          properties: { approve: { type: 'boolean', title: 'Approve this call', description: 'Allow the agent to run exactly this call once.' } },
          required: ['approve'],
        },
      },
      { timeout: timeoutMs, signal },
    );
    if (answer.action === 'accept') return answer.content?.approve === true;
    if (answer.action === 'decline') return false;
    return null;
  } catch {
    return null;
  }
}
