import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChainwatchError } from '@chainwatch/runtime';
import type { JwtVerifier } from './jwt-verifier';
import type { Caller, Role } from './roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token (health, readiness, metrics, OpenAPI). Everything else requires one. */
    public?: boolean;
    /** The caller needs at least one of these roles. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/**
 * Authentication for every route unless it is explicitly marked public: a bearer JWT verified in
 * onRequest (before the body is read or rate limits are counted), then the route's roles.
 */
export function installAuthentication(app: FastifyInstance, verifier: JwtVerifier): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    request.caller = await verifier.verify(bearerToken(request));
    if (config.roles) assertRole(request.caller, config.roles);
  });
}

/** A preHandler for routes registered by plugins that do not declare roles in their config. */
export function requireRole(...roles: readonly Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request) => {
    if (!request.caller) throw new ChainwatchError('CW_UNAUTHENTICATED');
    assertRole(request.caller, roles);
  };
}

function assertRole(caller: Caller, roles: readonly Role[]): void {
  for (const role of roles) if (caller.roles.has(role)) return;
  throw new ChainwatchError('CW_FORBIDDEN', `requires role ${roles.join(' or ')}`);
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw new ChainwatchError('CW_UNAUTHENTICATED', 'expected Authorization: Bearer <token>');
  }
  const token = header.slice(7).trim();
  if (token.length === 0 || token.length > 8192) throw new ChainwatchError('CW_UNAUTHENTICATED', 'bearer token malformed');
  return token;
}
