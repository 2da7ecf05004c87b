/**
 * `chainwatch mcp-proxy` as a service: config → dependencies (upstream client, decider, tool
 * registry, gate) → run (downstream over stdio or Streamable HTTP) → close.
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { loadDefaultPolicy, type DefaultPolicyFiles, type DetectionEngine, type ShellPort } from '@chainwatch/core';
import { loadShellPort } from '@chainwatch/shell';
import { createLogger, type Logger, type RunningService, type ServiceEnd } from '@chainwatch/runtime';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createBearerVerifier } from './bearer-verifier';
import type { McpProxyConfig } from './config';
import type { Decider } from './decider';
import { listenHttp, type HttpListener } from './http-listener';
import { InProcessDecider } from './in-process-decider';
import { ProxySessions } from './proxy-sessions';
import { RemoteDecider } from './remote-decider';
import { ToolCallGate, type GateStats } from './tool-call-gate';
import { ToolRegistry } from './tool-registry';
import { connectUpstream, describeUpstream } from './upstream';

export interface McpProxyDeps {
  readonly logger?: Logger;
  /** In-process mode: the policy (default: the files of `config.policy`, the shipped ones) or a ready engine (tests, bench). */
  readonly policy?: DefaultPolicyFiles;
  /** In-process mode: a shell-command analyser (default: `loadShellPort()`), so shell tools are judged by their commands. */
  readonly shell?: ShellPort;
  readonly engine?: DetectionEngine;
  /** Stdio mode: the streams to speak MCP on (default: this process's stdin / stdout). */
  readonly stdio?: { readonly stdin: Readable; readonly stdout: Writable };
}

export interface McpProxyService extends RunningService {
  /** Streamable HTTP endpoint, when listening over HTTP. */
  readonly url: string | null;
  readonly decider: Decider;
  readonly registry: ToolRegistry;
  readonly stats: GateStats;
  /** Resolves when the downstream went away (stdio: the client closed its end). */
  readonly done: Promise<void>;
}

export async function runMcpProxy(config: McpProxyConfig, deps: McpProxyDeps = {}): Promise<McpProxyService> {
  // Over stdio, stdout is the MCP channel: logs go to stderr.
  const logger = deps.logger ?? createLogger({ name: 'mcp-proxy', destination: process.stderr });
  const policy = deps.policy ?? loadDefaultPolicy(config.policy);
  const decider = await createDecider(config, deps, policy, logger);
  let upstream: Client;
  try {
    upstream = await connectUpstream(config.upstream);
  } catch (err) {
    await decider.close();
    throw err;
  }
  const registry = new ToolRegistry();
  const gate = new ToolCallGate(decider, registry, policy.catalog, { failMode: config.failMode, approvals: config.approvals }, logger);
  const sessions = new ProxySessions({ config, upstream, gate, registry, logger });
  let downstream: Downstream;
  try {
    downstream = await listenDownstream(config, sessions, deps, logger);
  } catch (err) {
    await upstream.close().catch(() => undefined);
    await decider.close();
    throw err;
  }
  const { http, done } = downstream;
  logger.info({ upstream: describeUpstream(config.upstream), listen: http?.url ?? 'stdio', decisions: decider.mode }, 'mcp-proxy ready');

  let closing: Promise<void> | null = null;
  return {
    url: http?.url ?? null,
    decider,
    registry,
    stats: gate.stats,
    done: done.promise,
    logger,
    summary: http ? `chainwatch mcp-proxy: listening on ${http.url}` : `chainwatch mcp-proxy: MCP over stdio, decisions ${decider.mode}`,
    ended: done.promise.then((): ServiceEnd => ({ reason: 'the MCP client went away', failed: false })),
    close() {
      closing ??= (async () => {
        await http?.close();
        await sessions.closeAll();
        await upstream.close().catch(() => undefined);
        gate.flushReports();
        await decider.close();
        done.resolve();
      })();
      return closing;
    },
  };
}

async function createDecider(config: McpProxyConfig, deps: McpProxyDeps, policy: DefaultPolicyFiles, logger: Logger): Promise<Decider> {
  if (config.decisions.mode === 'remote') {
    return new RemoteDecider({
      url: config.decisions.url,
      token: config.decisions.token,
      ...(config.decisions.approverToken !== undefined ? { approverToken: config.decisions.approverToken } : {}),
      timeoutMs: config.decisions.timeoutMs,
      reportQueueMax: config.decisions.reportQueueMax,
      logger,
    });
  }
  return new InProcessDecider({
    ...(deps.engine ? { engine: deps.engine } : { policy: { catalog: policy.catalog, policy: policy.policy, rules: policy.rules, shell: deps.shell ?? (await loadShellPort()) } }),
    logger,
    onInvalidEvent: (issue) => logger.error({ issue }, 'event not reported: invalid'),
  });
}

interface Downstream {
  /** The HTTP listener, or null over stdio. */
  readonly http: HttpListener | null;
  /** Resolved when the downstream went away (stdio), or at close. */
  readonly done: { readonly promise: Promise<void>; resolve(): void };
}

/** Speaks MCP to the client: one session over stdio, or Streamable HTTP with a session per client. */
async function listenDownstream(config: McpProxyConfig, sessions: ProxySessions, deps: McpProxyDeps, logger: Logger): Promise<Downstream> {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const done = { promise, resolve: () => resolve() };
  if ('stdio' in config.listen) {
    const server = sessions.open(`mcp-${randomUUID()}`);
    const stdin = deps.stdio?.stdin ?? process.stdin;
    const transport = new StdioServerTransport(stdin, deps.stdio?.stdout ?? process.stdout);
    transport.onclose = () => done.resolve();
    await server.connect(transport);
    stdin.once('end', () => done.resolve());
    return { http: null, done };
  }
  const verifier = config.token !== undefined ? await createBearerVerifier(config.token) : null;
  const http = await listenHttp({
    host: config.listen.host,
    port: config.listen.port,
    path: config.listen.path,
    bodyLimitBytes: config.bodyLimitBytes,
    maxSessions: config.maxSessions,
    sessionIdleMs: config.sessionIdleMs,
    verifier,
    tokenRequired: config.token?.required ?? false,
    newSession: () => sessions.open(),
    logger,
  });
  return { http, done };
}
