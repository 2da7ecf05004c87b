import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ChainwatchError } from '@chainwatch/runtime';
import type { JwtVerifier } from './jwt-verifier';
import type { SubjectRateLimiter } from './rate-limiter';
import type { Caller, Role } from './roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token (health, readiness, metrics, OpenAPI). Everything else requires one. */
    public?: boolean;
    /** The caller needs at least one of these roles. */
    roles?: readonly Role[];
    /** false: not counted against the caller's rate limit. */
    rateLimit?: false;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

type Done = (err?: Error) => void;

/**
 * Authentication for every route unless it is explicitly marked public: a bearer JWT verified in
 * onRequest (before the body is read), then the route's roles, then the caller's rate limit
 * (counted per token subject). The guard is attached to each route when it is declared, with that
 * route's roles bound in, so the request path reads no route options; a token already verified
 * (cached by the verifier) is admitted synchronously, without a promise.
 */
export function installAuthentication(app: FastifyInstance, verifier: JwtVerifier, limiter: SubjectRateLimiter | null): void {
  app.decorateRequest('caller', null);
  app.addHook('onRoute', (route) => {
    const config = route.config;
    if (config?.public === true) return;
    const guard = authGuard(verifier, config?.roles, config?.rateLimit === false ? null : limiter);
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [guard] : Array.isArray(existing) ? [guard, ...existing] : [guard, existing];
  });
}

/** The onRequest guard of one route. */
export function authGuard(verifier: JwtVerifier, roles: readonly Role[] | undefined, limiter: SubjectRateLimiter | null): onRequestHookHandler {
  const admit = (request: FastifyRequest, reply: FastifyReply, caller: Caller, done: Done): void => {
    request.caller = caller;
    if (roles !== undefined && !hasRole(caller, roles)) return done(forbidden(roles));
    if (limiter !== null) {
      const waitMs = limiter.take(caller.sub, Date.now());
      if (waitMs > 0) {
        const resetS = String(Math.ceil(waitMs / 1000));
        reply.header('retry-after', resetS);
        reply.header('x-ratelimit-limit', String(limiter.max));
        reply.header('x-ratelimit-remaining', '0');
        reply.header('x-ratelimit-reset', resetS);
        return done(new ChainwatchError('CW_RATE_LIMITED'));
      }
    }
    done();
  };
  return (request, reply, done) => {
    let token: string;
    try {
      token = bearerToken(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    const now = Date.now();
    const known = verifier.cached?.(token, now);
    if (known !== undefined) {
      admit(request, reply, known, done);
      return;
    }
    verifier.verify(token, now).then(
      (caller) => admit(request, reply, caller, done),
      (err: unknown) => done(err instanceof Error ? err : new ChainwatchError('CW_UNAUTHENTICATED')),
    );
  };
}

/** A preHandler for routes registered by plugins that do not declare roles in their config. */
export function requireRole(...roles: readonly Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request) => {
    if (!request.caller) throw new ChainwatchError('CW_UNAUTHENTICATED');
    if (!hasRole(request.caller, roles)) throw forbidden(roles);
  };
}

function hasRole(caller: Caller, roles: readonly Role[]): boolean {
  for (const role of roles) if (caller.roles.has(role)) return true;
  return false;
}

const forbidden = (roles: readonly Role[]): ChainwatchError => new ChainwatchError('CW_FORBIDDEN', `requires role ${roles.join(' or ')}`);

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw new ChainwatchError('CW_UNAUTHENTICATED', 'expected Authorization: Bearer <token>');
  }
  const token = header.slice(7).trim();
  if (token.length === 0 || token.length > 8192) throw new ChainwatchError('CW_UNAUTHENTICATED', 'bearer token malformed');
  return token;
}
