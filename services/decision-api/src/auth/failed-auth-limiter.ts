import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface FailedAuthLimitOptions {
  /** Failed or missing authentications an address may make per window before it is refused. */
  readonly max: number;
  readonly windowMs: number;
  /** Addresses remembered at most (least recently seen forgotten first). Default 10,000. */
  readonly maxAddresses?: number;
}

/**
 * Failed and missing authentication, counted per client address with @fastify/rate-limit's store
 * (IPv6 addresses grouped by /64). Only failures count, so a legitimate client behind a busy
 * address is not limited by its own valid tokens; an address that used up its budget is refused
 * before any signature check until its window ends, so a flood of bad tokens costs one map lookup
 * each instead of an ECDSA verification. The address is the socket peer (fastify's `request.ip`).
 */
export class FailedAuthLimiter {
  private constructor(
    private readonly check: ReturnType<FastifyInstance['createRateLimit']>,
    readonly max: number,
  ) {}

  /** Registers @fastify/rate-limit (no global limit: only this check uses it) and builds the limiter. */
  static async install(app: FastifyInstance, options: FailedAuthLimitOptions): Promise<FailedAuthLimiter> {
    await app.register(rateLimit, { global: false, cache: options.maxAddresses ?? 10_000 });
    return new FailedAuthLimiter(app.createRateLimit({ max: options.max, timeWindow: options.windowMs }), options.max);
  }

  /** 0 while the address may still try; otherwise ms until its window ends. Counts nothing. */
  async retryAfterMs(request: FastifyRequest): Promise<number> {
    const status = await this.check(request, { increment: false });
    if (status.isAllowed || status.remaining > 0) return 0;
    return Math.max(1, status.ttl);
  }

  /** Counts one failed or missing authentication of the request's address. */
  async recordFailure(request: FastifyRequest): Promise<void> {
    await this.check(request);
  }
}
