/**
 * `chainwatch keys init` and `chainwatch token`, checked with jose against the JWKS they wrote and
 * by the decision API's own verifier; and the development key of `chainwatch start`, which
 * survives a restart so that an exported token keeps working.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '@chainwatch/decision-api';
import { runCli, startCli, stopCli } from './run-cli';

describe('chainwatch keys init / token', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cw-keys-')), 'keys');

  it('writes a JWKS and its private key, both 0600, the JWKS without private material', async () => {
    const r = await runCli(['keys', 'init', '--dir', dir, '--issuer', 'https://chainwatch.example.org', '--audience', 'cw-prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`JWT_JWKS_FILE=${join(dir, 'jwks.json')} JWT_ISSUER=https://chainwatch.example.org JWT_AUDIENCE=cw-prod`);
    for (const f of ['jwks.json', 'signing-key.json']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]).toMatchObject({ alg: 'ES256', use: 'sig', kty: 'EC' });
  });

  it('refuses to replace an existing key without --force', async () => {
    const r = await runCli(['keys', 'init', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists .*--force/);
  });

  it('signs tokens that jose verifies against the JWKS, with roles, subject and lifetime', async () => {
    const r = await runCli(['token', '--role', 'enforcer,approver', '--sub', 'gateway-eu-1', '--ttl', '15m', '--dir', dir]);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'https://chainwatch.example.org', audience: 'cw-prod' });
    expect(payload).toMatchObject({ sub: 'gateway-eu-1', roles: ['enforcer', 'approver'] });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(typeof payload.jti).toBe('string');
    expect(decodeProtectedHeader(token).kid).toBe(jwks.keys[0]!.kid);
    // The decision API's verifier, configured as keys init printed, accepts it.
    const verifier = await createJwtVerifier({ jwksFile: join(dir, 'jwks.json'), issuer: 'https://chainwatch.example.org', audience: 'cw-prod' });
    const caller = await verifier.verify(token);
    expect([...caller.roles]).toEqual(['enforcer', 'approver']);
  });

  it('refuses unknown roles, bad or excessive lifetimes, and a missing key', async () => {
    expect((await runCli(['token', '--role', 'root', '--sub', 'x', '--ttl', '1h', '--dir', dir])).stderr).toMatch(/unknown role 'root'/);
    expect((await runCli(['token', '--role', 'enforcer', '--sub', 'x', '--ttl', 'forever', '--dir', dir])).code).toBe(2);
    expect((await runCli(['token', '--role', 'enforcer', '--sub', 'x', '--ttl', '400d', '--dir', dir])).stderr).toMatch(/366 days/);
    const missing = await runCli(['token', '--role', 'enforcer', '--sub', 'x', '--ttl', '1h', '--dir', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/keys init/);
  });
});

describe('chainwatch start keeps its development key', () => {
  it('accepts a token printed before a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-devkey-'));
    const ready = /listening on (http:\/\/\S+)[\s\S]*saved to \S+:\n(\S+)\n/;
    const first = await startCli(['start', '--port', '0'], { CHAINWATCH_DATA_DIR: dataDir }, ready, 90_000);
    const token = first.match[2]!;
    await healthy(first.match[1]!);
    expect(await stopCli(first.child)).toBe(0);
    expect(statSync(join(dataDir, 'keys', 'signing-key.json')).mode & 0o777).toBe(0o600);
    const second = await startCli(['start', '--port', '0'], { CHAINWATCH_DATA_DIR: dataDir }, ready, 90_000);
    try {
      await healthy(second.match[1]!);
      const res = await fetch(`${second.match[1]}/v1/sessions/no-such-session/risk`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).not.toBe(401);
      expect([200, 404]).toContain(res.status);
    } finally {
      expect(await stopCli(second.child)).toBe(0);
    }
  }, 200_000);
});

/** Waits until the all-in-one answers /healthz (it handles SIGTERM from then on). */
async function healthy(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/healthz never answered`);
}
