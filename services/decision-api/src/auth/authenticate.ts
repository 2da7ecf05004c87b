import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ChainwatchError } from '@chainwatch/runtime';
import type { FailedAuthLimiter } from './failed-auth-limiter';
import type { JwtVerifier } from './jwt-verifier';
import type { SubjectRateLimiter } from './rate-limiter';
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

type Done = (err?: Error) => void;

/** The one 401: it never says which check failed (a probe learns nothing from it). */
const unauthenticated = (): ChainwatchError => new ChainwatchError('CW_UNAUTHENTICATED');

/**
 * Authentication for every route unless it is explicitly marked public: a bearer JWT verified in
 * onRequest (before the body is read), then the route's roles, then the caller's rate limit
 * (counted per token subject). The guard is attached to each route when it is declared, with that
 * route's roles bound in, so the request path reads no route options; a token already verified
 * (cached by the verifier) is admitted synchronously, without a promise. Any other request is first
 * checked against its address's budget of failed authentications (`failures`): an address over
 * it is refused (429) before any signature check.
 */
export function installAuthentication(
  app: FastifyInstance,
  verifier: JwtVerifier,
  limiter: SubjectRateLimiter | null,
  failures: FailedAuthLimiter | null = null,
): void {
  app.decorateRequest('caller', null);
  app.addHook('onRoute', (route) => {
    const config = route.config;
    if (config?.public === true) return;
    const guard = authGuard(verifier, config?.roles, config?.rateLimit === false ? null : limiter, failures);
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [guard] : Array.isArray(existing) ? [guard, ...existing] : [guard, existing];
  });
}

/** The onRequest guard of one route. */
export function authGuard(
  verifier: JwtVerifier,
  roles: readonly Role[] | undefined,
  limiter: SubjectRateLimiter | null,
  failures: FailedAuthLimiter | null = null,
): onRequestHookHandler {
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
  /** A failed or missing authentication: counted against the address, answered with the one 401. */
  const fail = (request: FastifyRequest, done: Done, reason: unknown): void => {
    // Why, for the operator (never the token): the caller only ever sees the one message.
    request.log.debug({ reason: reason instanceof Error ? reason.message : String(reason) }, 'authentication failed');
    if (failures === null) return done(unauthenticated());
    failures.recordFailure(request).then(
      () => done(unauthenticated()),
      () => done(unauthenticated()),
    );
  };
  const verify = (request: FastifyRequest, reply: FastifyReply, token: string | null, now: number, done: Done): void => {
    if (token === null) return fail(request, done, 'no bearer token');
    verifier.verify(token, now).then(
      (caller) => admit(request, reply, caller, done),
      (err: unknown) => fail(request, done, err),
    );
  };
  return (request, reply, done) => {
    const token = bearerToken(request);
    const now = Date.now();
    if (token !== null) {
      const known = verifier.cached?.(token, now);
      if (known !== undefined) {
        admit(request, reply, known, done);
        return;
      }
    }
    if (failures === null) {
      verify(request, reply, token, now, done);
      return;
    }
    // Before any signature check: an address that used up its budget of failures waits.
    failures.retryAfterMs(request).then(
      (waitMs) => {
        if (waitMs > 0) {
          reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
          return done(new ChainwatchError('CW_RATE_LIMITED'));
        }
        verify(request, reply, token, now, done);
      },
      () => verify(request, reply, token, now, done),
    );
  };
}

/** A preHandler for routes registered by plugins that do not declare roles in their config. */
export function requireRole(...roles: readonly Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request) => {
    if (!request.caller) throw unauthenticated();
    if (!hasRole(request.caller, roles)) throw forbidden(roles);
  };
}

function hasRole(caller: Caller, roles: readonly Role[]): boolean {
  for (const role of roles) if (caller.roles.has(role)) return true;
  return false;
}

const forbidden = (roles: readonly Role[]): ChainwatchError => new ChainwatchError('CW_FORBIDDEN', `requires role ${roles.join(' or ')}`);

/** The bearer token of the request, or null when there is none or it cannot be one. */
function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const token = header.slice(7).trim();
  return token.length === 0 || token.length > 8192 ? null : token;
}
