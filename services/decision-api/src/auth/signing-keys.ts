/**
 * Token signing keys for deployments without an identity provider: `chainwatch keys init` writes a
 * JWKS (the public key, for JWT_JWKS_FILE) and the private key beside it, both 0600, and
 * `chainwatch token` signs tokens with it. `chainwatch start` keeps its development key the same
 * way under its data directory, so a token it printed survives a restart.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';
import { ROLES, type Role } from './roles';
import { DECISION_API_DEFAULTS } from '../defaults';

export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const JWKS_FILE = 'jwks.json';
export const PRIVATE_KEY_FILE = 'signing-key.json';

/** What the private key file holds: the key, and the issuer and audience its tokens carry. */
const PrivateKeyFile = z.object({
  kid: z.string().min(1),
  alg: z.enum(SIGNING_ALGORITHMS),
  issuer: z.string().min(1),
  audience: z.string().min(1),
  created_at: z.string(),
  jwk: z.record(z.string(), z.unknown()).refine((k) => typeof k.d === 'string', { message: 'not a private key' }),
});
type PrivateKeyFile = z.infer<typeof PrivateKeyFile>;

interface SigningKeyPaths {
  readonly jwksFile: string;
  readonly privateKeyFile: string;
}

export interface TokenClaims {
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Lifetime in seconds. */
  readonly ttlS: number;
}

export interface SigningKey extends SigningKeyPaths {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: JSONWebKeySet;
  sign(claims: TokenClaims): Promise<string>;
}

export function signingKeyPaths(dir: string): SigningKeyPaths {
  return { jwksFile: join(dir, JWKS_FILE), privateKeyFile: join(dir, PRIVATE_KEY_FILE) };
}

/** Writes a new key pair under `dir`: refuses to replace an existing key unless `force`. */
export async function createSigningKey(
  dir: string,
  options: { issuer?: string; audience?: string; alg?: SigningAlgorithm; force?: boolean } = {},
): Promise<SigningKey> {
  const paths = signingKeyPaths(dir);
  if (!options.force && (existsSync(paths.privateKeyFile) || existsSync(paths.jwksFile))) {
    throw new ChainwatchError('CW_CONFIG_INVALID', `a signing key already exists in ${dir} (use --force to replace it)`);
  }
  const alg = options.alg ?? 'ES256';
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const file: PrivateKeyFile = {
    kid,
    alg,
    issuer: options.issuer ?? DECISION_API_DEFAULTS.jwtIssuer,
    audience: options.audience ?? DECISION_API_DEFAULTS.jwtAudience,
    created_at: new Date().toISOString(),
    jwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeSecret(paths.privateKeyFile, `${JSON.stringify(file, null, 2)}\n`);
  writeSecret(paths.jwksFile, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`);
  return loadSigningKey(dir);
}

/** Reads the key pair written by createSigningKey. */
export async function loadSigningKey(dir: string): Promise<SigningKey> {
  const paths = signingKeyPaths(dir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(paths.privateKeyFile, 'utf8'));
  } catch (err) {
    throw new ChainwatchError('CW_CONFIG_INVALID', `no readable signing key at ${paths.privateKeyFile} (run chainwatch keys init)`, { cause: err });
  }
  const parsed = PrivateKeyFile.safeParse(raw);
  if (!parsed.success) throw new ChainwatchError('CW_CONFIG_INVALID', `${paths.privateKeyFile} is not a Chainwatch signing key`);
  const f = parsed.data;
  const key = await importJWK(f.jwk as JWK, f.alg);
  const jwks = JSON.parse(readFileSync(paths.jwksFile, 'utf8')) as JSONWebKeySet;
  if (!jwks.keys?.some((k) => k.kid === f.kid)) {
    throw new ChainwatchError('CW_CONFIG_INVALID', `${paths.jwksFile} does not hold the public key ${f.kid}`);
  }
  return {
    ...paths,
    kid: f.kid,
    alg: f.alg,
    issuer: f.issuer,
    audience: f.audience,
    jwks,
    sign: (claims) => {
      for (const r of claims.roles) if (!(ROLES as readonly string[]).includes(r)) throw new ChainwatchError('CW_CONFIG_INVALID', `unknown role ${r}`);
      return new SignJWT({ roles: [...claims.roles] })
        .setProtectedHeader({ alg: f.alg, kid: f.kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(f.issuer)
        .setAudience(f.audience)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(Math.floor(Date.now() / 1000) + claims.ttlS)
        .sign(key);
    },
  };
}

/** The key under `dir`, created on first use (the development key of `chainwatch start`). */
export async function loadOrCreateSigningKey(dir: string, options: { issuer?: string; audience?: string } = {}): Promise<SigningKey> {
  if (existsSync(signingKeyPaths(dir).privateKeyFile)) return loadSigningKey(dir);
  return createSigningKey(dir, options);
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  // The mode of writeFileSync applies only to a new file: make sure an existing one is narrowed too.
  chmodSync(path, 0o600);
}
