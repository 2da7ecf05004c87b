/**
 * The MCP proxy's configuration, parsed once with zod: where the upstream server is, where the
 * proxy listens, who decides, whose identity the calls carry, and what happens when the decision
 * service cannot answer. The CLI builds it from arguments, the environment and an optional JSON file.
 */
import { z } from 'zod';
import { ConfigError } from '@chainwatch/runtime';
import { Id, Name, SpiffeId, Task } from '@chainwatch/schemas';
import { MCP_PROXY_DEFAULTS as D } from './defaults';

const Header = z.string().min(1).max(8192);

export const UpstreamConfig = z.union([
  z
    .object({
      /** Program of a stdio MCP server, started by the proxy and stopped with it. */
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      cwd: z.string().min(1).optional(),
      /** Extra environment of the child (the SDK passes a safe default set besides). */
      env: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  z
    .object({
      /** Streamable HTTP endpoint of the MCP server. */
      url: z.url(),
      headers: z.record(z.string(), Header).default({}),
    })
    .strict(),
]);
export type UpstreamConfig = z.infer<typeof UpstreamConfig>;

export const ListenConfig = z.union([
  z.object({ stdio: z.literal(true) }).strict(),
  z
    .object({
      host: z.string().min(1).default(D.host),
      port: z.number().int().min(0).max(65535).default(D.port),
      path: z.string().startsWith('/').default(D.path),
    })
    .strict(),
]);
export type ListenConfig = z.infer<typeof ListenConfig>;

export const DecisionsConfig = z.discriminatedUnion('mode', [
  z
    .object({
      /** The detection core runs inside the proxy (shipped policy unless the CHAINWATCH_* policy files say otherwise). */
      mode: z.literal('in-process'),
    })
    .strict(),
  z
    .object({
      /** A running Chainwatch: POST /v1/decisions before, POST /v1/events after, POST /v1/approvals for elicited answers. */
      mode: z.literal('remote'),
      url: z.url(),
      /** Bearer token with role enforcer. */
      token: z.string().min(1).max(8192),
      /** Bearer token with role approver, to relay answers given through MCP elicitation (default: token). */
      approverToken: z.string().min(1).max(8192).optional(),
      /** No answer within this long: the fail mode decides. */
      timeoutMs: z.number().int().min(10).max(60_000).default(D.decisionTimeoutMs),
      /** Events waiting for delivery; past this the oldest are dropped and counted. */
      reportQueueMax: z.number().int().min(1).default(D.reportQueueMax),
    })
    .strict(),
]);
export type DecisionsConfig = z.infer<typeof DecisionsConfig>;

export const IdentityConfig = z
  .object({
    agent: z
      .object({
        id: Id.default(D.agentId),
        type: Name.default(D.agentType),
        spiffe_id: SpiffeId.optional(),
      })
      .strict()
      .default({ id: D.agentId, type: D.agentType }),
    principal: z.object({ sub: Id.default(D.principal) }).strict().default({ sub: D.principal }),
    /** The task envelope of every session (its id defaults to the session id). */
    task: Task.partial({ id: true }).optional(),
    /**
     * Where per-session identity may also come from, over HTTP: `headers` (x-chainwatch-* request
     * headers: only behind a gateway you trust) and `token` (a bearer JWT verified against `token`).
     */
    from: z.array(z.enum(['headers', 'token'])).default([]),
  })
  .strict();
export type IdentityConfig = z.infer<typeof IdentityConfig>;

export const TokenConfig = z
  .object({
    jwksFile: z.string().min(1).optional(),
    jwksUrl: z.url().optional(),
    issuer: z.string().min(1),
    audience: z.string().min(1),
    /** Refuse HTTP requests without a valid token (401). */
    required: z.boolean().default(true),
  })
  .strict()
  .refine((t) => t.jwksFile !== undefined || t.jwksUrl !== undefined, { message: 'set jwksFile or jwksUrl' });
export type TokenConfig = z.infer<typeof TokenConfig>;

export const McpProxyConfig = z
  .object({
    upstream: UpstreamConfig,
    listen: ListenConfig.default({ stdio: true }),
    decisions: DecisionsConfig.default({ mode: 'in-process' }),
    identity: IdentityConfig.default({ agent: { id: D.agentId, type: D.agentType }, principal: { sub: D.principal }, from: [] }),
    token: TokenConfig.optional(),
    /**
     * When the decision service does not answer in time: sensitive calls (may send data out or
     * change things, see fail-mode.ts) and the others. Never step_up: nobody could approve it.
     */
    failMode: z
      .object({
        sensitive: z.enum(['deny', 'allow']).default(D.failSensitive),
        other: z.enum(['deny', 'allow']).default(D.failOther),
      })
      .strict()
      .default({ sensitive: D.failSensitive, other: D.failOther }),
    /** step_up: ask the user through MCP elicitation when the client supports it, else answer with the binding. */
    approvals: z.enum(['elicitation', 'binding']).default(D.approvals),
    /** How long the user has to answer an elicited approval. */
    approvalTimeoutMs: z.number().int().min(1000).default(D.approvalTimeoutMs),
    /** Upstream requests time out after this long. */
    upstreamTimeoutMs: z.number().int().min(100).default(D.upstreamTimeoutMs),
    /** In-process decisions: the policy files (default: the shipped ones); the CLI fills it from CHAINWATCH_CATALOG, _POLICY, _RULES. */
    policy: z
      .object({ catalog: z.string().min(1).optional(), policy: z.string().min(1).optional(), rules: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .default({}),
    /** Largest downstream HTTP request body. */
    bodyLimitBytes: z.number().int().min(1024).default(D.bodyLimitBytes),
    /** Downstream HTTP: sessions at most (past it the least recently used is closed), and idle time before one is closed. */
    maxSessions: z.number().int().min(1).default(D.maxSessions),
    sessionIdleMs: z.number().int().min(1000).default(D.sessionIdleMs),
  })
  .strict()
  .refine((c) => !c.identity.from.includes('token') || c.token !== undefined, {
    message: 'identity.from includes token: configure token (jwksFile or jwksUrl, issuer, audience)',
    path: ['token'],
  });
export type McpProxyConfig = z.infer<typeof McpProxyConfig>;
export type McpProxyConfigInput = z.input<typeof McpProxyConfig>;

/** Parses a configuration; throws ConfigError naming each bad field. */
export function parseMcpProxyConfig(input: unknown): McpProxyConfig {
  const parsed = McpProxyConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`));
}
