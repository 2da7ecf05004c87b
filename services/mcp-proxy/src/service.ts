/**
 * `chainwatch mcp-proxy` as a service: config → dependencies (upstream client, decider, tool
 * registry, gate) → run (downstream over stdio or Streamable HTTP) → close.
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { loadDefaultPolicy, type DefaultPolicyFiles, type DetectionEngine, type ShellPort } from '@chainwatch/core';
import { createLogger, type Logger } from '@chainwatch/runtime';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createBearerVerifier, type BearerVerifier } from './bearer-verifier';
import type { McpProxyConfig } from './config';
import type { Decider } from './decider';
import { listenHttp, type HttpListener } from './http-listener';
import { resolveIdentity, type SessionIdentity } from './identity';
import { InProcessDecider } from './in-process-decider';
import { createProxySession } from './proxy-server';
import { RemoteDecider } from './remote-decider';
import { ToolCallGate, type GateStats } from './tool-call-gate';
import { ToolRegistry } from './tool-registry';
import { connectUpstream, describeUpstream } from './upstream';

export interface McpProxyDeps {
  readonly logger?: Logger;
  /** In-process mode: the policy (default: the shipped one) or a ready engine (tests, bench). */
  readonly policy?: DefaultPolicyFiles;
  /** In-process mode: a shell-command analyser (`await loadShellPort()`), so shell tools are judged by their commands. */
  readonly shell?: ShellPort;
  readonly engine?: DetectionEngine;
  /** Stdio mode: the streams to speak MCP on (default: this process's stdin / stdout). */
  readonly stdio?: { readonly stdin: Readable; readonly stdout: Writable };
}

export interface McpProxyService {
  /** Streamable HTTP endpoint, when listening over HTTP. */
  readonly url: string | null;
  readonly decider: Decider;
  readonly registry: ToolRegistry;
  readonly stats: GateStats;
  /** Resolves when the downstream went away (stdio: the client closed its end). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

export async function runMcpProxy(config: McpProxyConfig, deps: McpProxyDeps = {}): Promise<McpProxyService> {
  // Over stdio, stdout is the MCP channel: logs go to stderr.
  const logger = deps.logger ?? createLogger({ name: 'mcp-proxy', destination: process.stderr });
  const policy = deps.policy ?? loadDefaultPolicy();

  const decider: Decider =
    config.decisions.mode === 'remote'
      ? new RemoteDecider({
          url: config.decisions.url,
          token: config.decisions.token,
          ...(config.decisions.approverToken !== undefined ? { approverToken: config.decisions.approverToken } : {}),
          timeoutMs: config.decisions.timeoutMs,
          reportQueueMax: config.decisions.reportQueueMax,
          logger,
        })
      : new InProcessDecider({
          ...(deps.engine ? { engine: deps.engine } : { policy: { catalog: policy.catalog, policy: policy.policy, rules: policy.rules, ...(deps.shell !== undefined ? { shell: deps.shell } : {}) } }),
          logger,
          onInvalidEvent: (issue) => logger.error({ issue }, 'event not reported: invalid'),
        });

  let upstream: Client;
  try {
    upstream = await connectUpstream(config.upstream);
  } catch (err) {
    await decider.close();
    throw err;
  }
  const registry = new ToolRegistry();
  const gate = new ToolCallGate(decider, registry, policy.catalog, { failMode: config.failMode, approvals: config.approvals }, logger);

  // Identity: fixed per session when it comes from configuration alone; per call when headers or tokens count.
  const fixed = new Map<string, SessionIdentity>();
  const identity = (sessionId: string, sources: Parameters<typeof resolveIdentity>[2]): SessionIdentity => {
    if (config.identity.from.length > 0) return resolveIdentity(config.identity, sessionId, sources);
    let id = fixed.get(sessionId);
    if (id === undefined) {
      if (fixed.size >= 10_000) fixed.clear();
      id = resolveIdentity(config.identity, sessionId, {});
      fixed.set(sessionId, id);
    }
    return id;
  };
  const servers = new Set<Server>();
  const newSession = (fixedSessionId?: string): Server => {
    const server = createProxySession({
      upstream,
      gate,
      registry,
      logger,
      identity,
      approvals: config.approvals,
      approvalTimeoutMs: config.approvalTimeoutMs,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      ...(fixedSessionId !== undefined ? { fixedSessionId } : {}),
    });
    servers.add(server);
    server.onclose = () => servers.delete(server);
    return server;
  };
  // The upstream's list changes reach every downstream session.
  upstream.fallbackNotificationHandler = async (notification) => {
    if (!notification.method.endsWith('/list_changed') && notification.method !== 'notifications/resources/updated') return;
    for (const s of servers) await s.notification(notification as Parameters<Server['notification']>[0]).catch(() => undefined);
  };

  let http: HttpListener | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  try {
    if ('stdio' in config.listen) {
      const server = newSession(`mcp-${randomUUID()}`);
      const transport = new StdioServerTransport(deps.stdio?.stdin ?? process.stdin, deps.stdio?.stdout ?? process.stdout);
      transport.onclose = () => resolveDone();
      await server.connect(transport);
      (deps.stdio?.stdin ?? process.stdin).once('end', () => resolveDone());
    } else {
      let verifier: BearerVerifier | null = null;
      if (config.token !== undefined) verifier = await createBearerVerifier(config.token);
      http = await listenHttp({
        host: config.listen.host,
        port: config.listen.port,
        path: config.listen.path,
        bodyLimitBytes: config.bodyLimitBytes,
        maxSessions: config.maxSessions,
        sessionIdleMs: config.sessionIdleMs,
        verifier,
        tokenRequired: config.token?.required ?? false,
        newSession: () => newSession(),
        logger,
      });
    }
  } catch (err) {
    await upstream.close().catch(() => undefined);
    await decider.close();
    throw err;
  }
  logger.info({ upstream: describeUpstream(config.upstream), listen: http?.url ?? 'stdio', decisions: decider.mode }, 'mcp-proxy ready');

  let closing: Promise<void> | null = null;
  return {
    url: http?.url ?? null,
    decider,
    registry,
    stats: gate.stats,
    done,
    close() {
      closing ??= (async () => {
        await http?.close();
        for (const s of [...servers]) await s.close().catch(() => undefined);
        await upstream.close().catch(() => undefined);
        await decider.close();
        resolveDone();
      })();
      return closing;
    },
  };
}
