import type { RetryPolicy } from '@chainwatch/runtime';

/** Every default of the MCP proxy in one place (pino-style `defaultOptions`): its config schema and the CLI read these. */
export const MCP_PROXY_DEFAULTS = {
  /** Streamable HTTP downstream (when listening over HTTP rather than stdio). */
  host: '127.0.0.1',
  port: 8090,
  path: '/mcp',
  agentId: 'mcp-agent',
  agentType: 'mcp-agent',
  principal: 'user:unknown',
  /** Remote decisions: no answer within this long, the fail mode decides. */
  decisionTimeoutMs: 2000,
  /** Remote decisions: events waiting for delivery; past this the oldest are dropped and counted. */
  reportQueueMax: 10_000,
  /** Remote decisions: events per POST /v1/events. */
  reportBatchSize: 500,
  /** Remote decisions: delivering reported events, retried until delivered or closed. */
  reportRetry: { attempts: Infinity, initialMs: 1000, factor: 1, maxMs: 1000, jitter: 0 } satisfies RetryPolicy,
  /** close() waits this long for undelivered events; the rest are counted as dropped. */
  closeTimeoutMs: 2000,
  /** MCP clients' tokens over HTTP. */
  jwtIssuer: 'chainwatch',
  jwtAudience: 'chainwatch-mcp-proxy',
  failSensitive: 'deny',
  failOther: 'allow',
  approvals: 'elicitation',
  /** How long the user has to answer an elicited approval. */
  approvalTimeoutMs: 300_000,
  /** Upstream requests time out after this long. */
  upstreamTimeoutMs: 60_000,
  /** Largest downstream HTTP request body. */
  bodyLimitBytes: 4_194_304,
  /** Downstream HTTP sessions at most (past it the least recently used is closed). */
  maxSessions: 1000,
  /** An MCP transport session (not an agent session) idle this long is closed. */
  sessionIdleMs: 30 * 60_000,
} as const;
