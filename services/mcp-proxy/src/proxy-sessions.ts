import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '@chainwatch/runtime';
import type { McpProxyConfig } from './config';
import { resolveIdentity, type SessionIdentity } from './identity';
import { createProxySession } from './proxy-server';
import type { ToolCallGate } from './tool-call-gate';
import type { ToolRegistry } from './tool-registry';

/** Sessions whose identity comes from configuration alone are remembered, at most this many. */
const MAX_FIXED_IDENTITIES = 10_000;

/**
 * The downstream MCP sessions of one proxy: each is a server of its own over the shared upstream
 * client, gate and tool registry. The upstream's list changes reach every open session.
 */
export class ProxySessions {
  private readonly servers = new Set<Server>();
  /** Identity per session when it comes from configuration alone (per call when headers or tokens count). */
  private readonly fixed = new Map<string, SessionIdentity>();

  constructor(
    private readonly parts: {
      readonly config: McpProxyConfig;
      readonly upstream: Client;
      readonly gate: ToolCallGate;
      readonly registry: ToolRegistry;
      readonly logger: Logger;
    },
  ) {
    parts.upstream.fallbackNotificationHandler = async (notification) => {
      if (!notification.method.endsWith('/list_changed') && notification.method !== 'notifications/resources/updated') return;
      for (const s of this.servers) await s.notification(notification as Parameters<Server['notification']>[0]).catch(() => undefined);
    };
  }

  /** A new downstream session (stdio: one, with a fixed id; HTTP: one per client). */
  open(fixedSessionId?: string): Server {
    const { config, upstream, gate, registry, logger } = this.parts;
    const server = createProxySession({
      upstream,
      gate,
      registry,
      logger,
      identity: (sessionId, sources) => this.identity(sessionId, sources),
      approvals: config.approvals,
      approvalTimeoutMs: config.approvalTimeoutMs,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      ...(fixedSessionId !== undefined ? { fixedSessionId } : {}),
    });
    this.servers.add(server);
    server.onclose = () => this.servers.delete(server);
    return server;
  }

  async closeAll(): Promise<void> {
    for (const s of [...this.servers]) await s.close().catch(() => undefined);
  }

  private identity(sessionId: string, sources: Parameters<typeof resolveIdentity>[2]): SessionIdentity {
    const { config } = this.parts;
    if (config.identity.from.length > 0) return resolveIdentity(config.identity, sessionId, sources);
    let id = this.fixed.get(sessionId);
    if (id === undefined) {
      if (this.fixed.size >= MAX_FIXED_IDENTITIES) this.fixed.clear();
      id = resolveIdentity(config.identity, sessionId, {});
      this.fixed.set(sessionId, id);
    }
    return id;
  }
}
