import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { ROLES, type Role } from './roles';

export interface DevAuth {
  /** Public keys to verify tokens with (pass as `{ jwks }` to the API, or write to JWT_JWKS_FILE). */
  readonly jwks: JSONWebKeySet;
  readonly issuer: string;
  readonly audience: string;
  /** A development token with every role, valid for `ttlS` (default 12 h), to print at start-up. */
  readonly token: string;
  /** Sign another token with this key (tests, tools). */
  sign(claims: { sub: string; roles: readonly Role[] | readonly string[]; ttlS?: number; issuer?: string; audience?: string }): Promise<string>;
}

/**
 * A throwaway ES256 key pair for `chainwatch start`: the private key never leaves this process.
 * Authentication stays on in development; the printed token is how a developer gets in.
 */
export async function createDevAuth(options: { issuer?: string; audience?: string; sub?: string; ttlS?: number } = {}): Promise<DevAuth> {
  const issuer = options.issuer ?? 'chainwatch';
  const audience = options.audience ?? 'chainwatch-decision-api';
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const jwks: JSONWebKeySet = { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] };

  const sign: DevAuth['sign'] = (claims) =>
    new SignJWT({ roles: [...claims.roles] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(claims.sub)
      .setIssuer(claims.issuer ?? issuer)
      .setAudience(claims.audience ?? audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttlS ?? options.ttlS ?? 12 * 3600))
      .sign(privateKey);

  const token = await sign({ sub: options.sub ?? 'chainwatch-dev', roles: ROLES });
  return { jwks, issuer, audience, token, sign };
}
