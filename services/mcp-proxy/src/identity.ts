/**
 * Who a session's calls act as: agent, principal, task envelope, credential. From the configuration,
 * then (when enabled) the x-chainwatch-* request headers of a trusted gateway, then a verified bearer
 * token, the most trusted source last so it wins.
 */
import { Credential, Id, Name, SpiffeId, Task, type Agent, type Principal } from '@chainwatch/schemas';
import { z } from 'zod';
import type { IdentityConfig } from './config';
import type { VerifiedClaims } from './bearer-verifier';

export interface SessionIdentity {
  readonly agent: Agent;
  readonly principal: Principal;
  readonly task: Task;
  readonly credential?: Credential;
  readonly parentSessionId: string | null;
}

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

export const IDENTITY_HEADERS = {
  principal: 'x-chainwatch-principal',
  agentId: 'x-chainwatch-agent-id',
  agentType: 'x-chainwatch-agent-type',
  spiffeId: 'x-chainwatch-spiffe-id',
  taskId: 'x-chainwatch-task-id',
  taskIntent: 'x-chainwatch-task-intent',
  taskScopes: 'x-chainwatch-task-scopes',
  parentSession: 'x-chainwatch-parent-session',
} as const;

const Scopes = z.array(Name).max(64);
const Intent = Task.shape.intent.unwrap();

/** A SPIFFE ID for an agent type when none is configured (stable, so credential hygiene sees one workload). */
export function defaultSpiffeId(agentType: string): string {
  const slug = agentType.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'agent';
  return `spiffe://chainwatch.local/mcp-proxy/${slug}`;
}

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The value when it passes the schema, else undefined (a bad header never replaces configuration). */
function valid<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

export function resolveIdentity(
  config: IdentityConfig,
  sessionId: string,
  sources: { readonly headers?: HeaderBag; readonly claims?: VerifiedClaims },
): SessionIdentity {
  let agentId = config.agent.id;
  let agentType = config.agent.type;
  let spiffe = config.agent.spiffe_id;
  let sub = config.principal.sub;
  let act: { sub: string }[] = [];
  const task: Task = { ...config.task, id: config.task?.id ?? sessionId, scopes: config.task?.scopes ?? [] };
  let parentSessionId: string | null = null;
  let credential: Credential | undefined;

  if (config.from.includes('headers') && sources.headers) {
    const h = sources.headers;
    sub = valid(Id, header(h, IDENTITY_HEADERS.principal)) ?? sub;
    agentId = valid(Id, header(h, IDENTITY_HEADERS.agentId)) ?? agentId;
    agentType = valid(Name, header(h, IDENTITY_HEADERS.agentType)) ?? agentType;
    spiffe = valid(SpiffeId, header(h, IDENTITY_HEADERS.spiffeId)) ?? spiffe;
    task.id = valid(Id, header(h, IDENTITY_HEADERS.taskId)) ?? task.id;
    const intent = valid(Intent, header(h, IDENTITY_HEADERS.taskIntent));
    if (intent !== undefined) task.intent = intent;
    const scopes = header(h, IDENTITY_HEADERS.taskScopes);
    const parsedScopes = scopes === undefined ? undefined : valid(Scopes, scopes.split(/[\s,]+/).filter((s) => s.length > 0));
    if (parsedScopes !== undefined) task.scopes = parsedScopes;
    parentSessionId = valid(Id, header(h, IDENTITY_HEADERS.parentSession)) ?? null;
  }
  if (config.from.includes('token') && sources.claims) {
    const c = sources.claims;
    sub = c.sub;
    act = c.act;
    const cred = Credential.safeParse({
      token_id: c.jti,
      issued_at: c.iat === undefined ? undefined : c.iat * 1000,
      expires_at: c.exp * 1000,
      scopes: c.scopes,
      audience: c.audience,
    });
    if (cred.success) credential = cred.data;
  }
  return {
    agent: { id: agentId, type: agentType, spiffe_id: spiffe ?? defaultSpiffeId(agentType) },
    principal: { sub, act },
    task,
    ...(credential ? { credential } : {}),
    parentSessionId,
  };
}
