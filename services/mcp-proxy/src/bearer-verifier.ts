/**
 * Verifies the bearer JWT an MCP client presents to the proxy over HTTP (jose: signature against a
 * JWKS, issuer, audience, expiry) and keeps only what identity needs: subject, the RFC 8693 `act`
 * chain, token id, lifetime, scopes and audience. The token text is never logged.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { TokenConfig } from './config';

export interface VerifiedClaims {
  readonly sub: string;
  /** Delegation chain, outermost actor first (RFC 8693 nested `act`). */
  readonly act: { sub: string }[];
  /** `jti`, else a digest of the token (never the token itself). */
  readonly jti: string;
  /** Absent when the token has no `iat` (no credential is reported then). */
  readonly iat?: number;
  readonly exp: number;
  readonly scopes: string[];
  readonly audience: string;
}

export type BearerVerifier = (token: string) => Promise<VerifiedClaims>;

const Act: z.ZodType<{ sub: string; act?: unknown }> = z.object({ sub: z.string().min(1).max(256), act: z.unknown().optional() });

const Claims = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number().int(),
  iat: z.number().int().optional(),
  jti: z.string().min(1).max(256).optional(),
  scope: z.string().max(4096).optional(),
  scp: z.array(z.string().max(256)).max(64).optional(),
  act: z.unknown().optional(),
});

export async function createBearerVerifier(config: TokenConfig): Promise<BearerVerifier> {
  const keys = await resolveKeys(config);
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: 30,
    });
    const c = Claims.parse(payload);
    const act: { sub: string }[] = [];
    let next: unknown = c.act;
    while (next !== undefined && act.length < 16) {
      const a = Act.safeParse(next);
      if (!a.success) break;
      act.push({ sub: a.data.sub });
      next = a.data.act;
    }
    return {
      sub: c.sub,
      act,
      jti: c.jti ?? `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`,
      ...(c.iat !== undefined ? { iat: c.iat } : {}),
      exp: c.exp,
      scopes: c.scope !== undefined ? c.scope.split(' ').filter((s) => s.length > 0).slice(0, 64) : (c.scp ?? []),
      audience: config.audience,
    };
  };
}

async function resolveKeys(config: TokenConfig): Promise<JWTVerifyGetKey> {
  if (config.jwksUrl !== undefined) return createRemoteJWKSet(new URL(config.jwksUrl));
  const jwks = JSON.parse(await readFile(config.jwksFile as string, 'utf8')) as JSONWebKeySet;
  return createLocalJWKSet(jwks);
}
