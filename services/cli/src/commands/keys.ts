/**
 * `chainwatch keys init` and `chainwatch token`: a signing key for deployments without an identity
 * provider, and bearer tokens signed with it. The decision API verifies them with
 * JWT_JWKS_FILE=<dir>/jwks.json, JWT_ISSUER and JWT_AUDIENCE as printed by `keys init`.
 */
import { join, resolve } from 'node:path';
import { ROLES, SIGNING_ALGORITHMS, TokenEnv, createSigningKey, loadSigningKey, type Role, type SigningAlgorithm } from '@chainwatch/decision-api';
import { parseConfig, parseDurationMs } from '@chainwatch/runtime';
import { UsageError } from '../usage-error';
import { parseCliArgs } from './cli-args';

const KEYS_USAGE = 'usage: chainwatch keys init [--dir DIR] [--issuer I] [--audience A] [--alg ES256|EdDSA|RS256] [--force]';
const TOKEN_USAGE = 'usage: chainwatch token --role ROLE[,ROLE] --sub SUBJECT --ttl DURATION (90s, 15m, 12h, 30d) [--dir DIR]';
/** Longest lifetime `chainwatch token` signs: long-lived tokens are what credential hygiene flags. */
const MAX_TTL_S = 366 * 24 * 3600;

const defaultDir = (): string => join(process.env.CHAINWATCH_DATA_DIR ?? './data', 'keys');

export async function runKeysCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    { dir: { type: 'string' }, issuer: { type: 'string' }, audience: { type: 'string' }, alg: { type: 'string' }, force: { type: 'boolean' } },
    KEYS_USAGE,
  );
  if (positionals[0] !== 'init' || positionals.length !== 1) throw new UsageError(KEYS_USAGE);
  if (values.alg !== undefined && !(SIGNING_ALGORITHMS as readonly string[]).includes(values.alg)) {
    throw new UsageError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}\n${KEYS_USAGE}`);
  }
  const dir = resolve(values.dir ?? defaultDir());
  const key = await createSigningKey(dir, {
    ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
    ...(values.audience !== undefined ? { audience: values.audience } : {}),
    ...(values.alg !== undefined ? { alg: values.alg as SigningAlgorithm } : {}),
    force: values.force === true,
  });
  console.log(
    [
      `chainwatch: signing key ${key.kid} (${key.alg}) written, both files mode 0600:`,
      `  private key  ${key.privateKeyFile}   (keep it secret; chainwatch token signs with it)`,
      `  public JWKS  ${key.jwksFile}`,
      `run the decision API with:`,
      `  JWT_JWKS_FILE=${key.jwksFile} JWT_ISSUER=${key.issuer} JWT_AUDIENCE=${key.audience}`,
    ].join('\n'),
  );
  return 0;
}

export async function runTokenCli(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' }, dir: { type: 'string' } }, TOKEN_USAGE);
  if (values.role === undefined || values.sub === undefined || values.ttl === undefined) throw new UsageError(TOKEN_USAGE);
  const roles = values.role.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r)) throw new UsageError(`unknown role '${r}': one of ${ROLES.join(', ')}\n${TOKEN_USAGE}`);
  }
  if (roles.length === 0) throw new UsageError(TOKEN_USAGE);
  if (values.sub.length === 0 || values.sub.length > 256) throw new UsageError('--sub must be 1 to 256 characters');
  const ttlS = parseTtl(values.ttl);
  // The decision API refuses tokens living longer than JWT_MAX_LIFETIME_S (default 24 h): say so
  // here rather than mint a token every request will refuse.
  const maxS = maxLifetimeS();
  if (ttlS > maxS) throw new UsageError(`--ttl ${values.ttl} is longer than the decision API accepts (JWT_MAX_LIFETIME_S = ${maxS} s); raise JWT_MAX_LIFETIME_S on the API and here, or ask for a shorter token`);
  const key = await loadSigningKey(resolve(values.dir ?? defaultDir()));
  // The token alone on stdout, so that TOKEN=$(chainwatch token ...) works.
  console.log(await key.sign({ sub: values.sub, roles: roles as Role[], ttlS }));
  return 0;
}

/** The longest token lifetime the decision API accepts, read as the API reads it (JWT_MAX_LIFETIME_S, default 24 h). */
function maxLifetimeS(): number {
  return parseConfig(TokenEnv.pick({ JWT_MAX_LIFETIME_S: true })).JWT_MAX_LIFETIME_S;
}

/** "90s", "15m", "12h", "30d" or plain seconds (the runtime's duration parser), at most a year. */
function parseTtl(text: string): number {
  const ms = parseDurationMs(text, 's');
  if (ms === null || ms % 1000 !== 0) throw new UsageError(`--ttl must be a duration like 90s, 15m, 12h or 30d (got ${JSON.stringify(text)})`);
  const n = ms / 1000;
  if (n < 1 || n > MAX_TTL_S) throw new UsageError(`--ttl must be between 1 s and 366 days (got ${text})`);
  return n;
}
