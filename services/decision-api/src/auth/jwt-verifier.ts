import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';
import type { Caller } from './roles';

/** Where the verification keys come from: an inline JWKS, a JWKS file, or a JWKS URL. */
export type JwksSource = { readonly jwks: JSONWebKeySet } | { readonly jwksFile: string } | { readonly jwksUrl: string };

export type JwtVerifierOptions = JwksSource & {
  readonly issuer: string;
  readonly audience: string;
  /** Verified tokens are remembered for at most this long (never past their expiry). Default 60 s. */
  readonly cacheTtlMs?: number;
  /** Maximum number of remembered tokens. Default 10 000. */
  readonly cacheSize?: number;
  /** Accepted clock skew in seconds. Default 30. */
  readonly clockToleranceS?: number;
  /**
   * Longest lifetime (exp - iat, seconds) a token may have; longer-lived tokens are refused, and
   * so are tokens without iat. Default 86,400 (24 h).
   */
  readonly maxLifetimeS?: number;
};

export const DEFAULT_MAX_TOKEN_LIFETIME_S = 24 * 3600;

export interface JwtVerifier {
  /** Verify a compact JWS; throws ChainwatchError CW_UNAUTHENTICATED when it is not acceptable. */
  verify(token: string, now?: number): Promise<Caller>;
  /** The caller of a token verified recently and still valid at `now`, without verifying again; undefined otherwise. */
  cached?(token: string, now: number): Caller | undefined;
}

const Claims = z.object({
  sub: z.string().min(1).max(256),
  roles: z.array(z.string().max(64)).max(32).default([]),
  iat: z.number(),
  exp: z.number(),
});

const ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'];

/**
 * Bearer JWT verification with jose: signature against the JWKS, issuer, audience, expiry (exp is
 * required) and the `roles` claim. Successful verifications are cached by token text for a short
 * while (bounded, never beyond exp) so the request path does not pay a signature check per call.
 */
export async function createJwtVerifier(options: JwtVerifierOptions): Promise<JwtVerifier> {
  const keys = await resolveKeys(options);
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const cacheSize = options.cacheSize ?? 10_000;
  const maxLifetimeS = options.maxLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
  const cache = new Map<string, { caller: Caller; until: number }>();

  const cached = (token: string, now: number): Caller | undefined => {
    const hit = cache.get(token);
    if (hit === undefined) return undefined;
    if (hit.until > now) return hit.caller;
    cache.delete(token);
    return undefined;
  };

  return {
    cached,
    async verify(token: string, now: number = Date.now()): Promise<Caller> {
      const known = cached(token, now);
      if (known !== undefined) return known;
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: options.clockToleranceS ?? 30,
          currentDate: new Date(now),
        }));
      } catch (err) {
        throw new ChainwatchError('CW_UNAUTHENTICATED', describeJoseError(err));
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new ChainwatchError('CW_UNAUTHENTICATED', 'token claims malformed (sub, roles, iat, exp)');
      if (claims.data.exp - claims.data.iat > maxLifetimeS) {
        throw new ChainwatchError('CW_UNAUTHENTICATED', `token lifetime ${claims.data.exp - claims.data.iat} s exceeds ${maxLifetimeS} s`);
      }
      const caller: Caller = { sub: claims.data.sub, roles: new Set(claims.data.roles) };
      const exp = claims.data.exp * 1000;
      if (cache.size >= cacheSize) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(token, { caller, until: Math.min(exp, now + cacheTtlMs) });
      return caller;
    },
  };
}

async function resolveKeys(source: JwksSource): Promise<JWTVerifyGetKey> {
  if ('jwks' in source) return createLocalJWKSet(source.jwks);
  if ('jwksUrl' in source) return createRemoteJWKSet(new URL(source.jwksUrl));
  const text = await readFile(source.jwksFile, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ChainwatchError('CW_CONFIG_INVALID', `JWT_JWKS_FILE ${source.jwksFile} is not JSON`);
  }
  const jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).safeParse(parsed);
  if (!jwks.success) throw new ChainwatchError('CW_CONFIG_INVALID', `JWT_JWKS_FILE ${source.jwksFile} holds no keys`);
  return createLocalJWKSet(jwks.data as JSONWebKeySet);
}

/** A short reason for the 401, without echoing the token. */
function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} rejected`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature invalid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JOSEError) return 'token rejected';
  return 'token malformed';
}
