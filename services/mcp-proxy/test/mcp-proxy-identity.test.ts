/**
 * Identity of the calls: configuration by default; over HTTP, a bearer JWT verified with jose
 * (subject, RFC 8693 act chain, credential) and, behind a trusted gateway, x-chainwatch-* headers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADERS, parseMcpProxyConfig, resolveIdentity, runMcpProxy, traceIdOf, type McpProxyService } from '../src/index';
import { FILES, httpClient, quietLogger } from './proxy-harness';
import { recordingEngine, type RecordingEngine } from './recording-engine';
import { startWorkspaceServer, type WorkspaceServer } from './workspace-server';

describe('bearer tokens of MCP clients', () => {
  let server: WorkspaceServer;
  let proxy: McpProxyService;
  let rec: RecordingEngine;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    server = await startWorkspaceServer(FILES);
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const dir = mkdtempSync(join(tmpdir(), 'cw-mcp-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    rec = recordingEngine();
    proxy = await runMcpProxy(
      parseMcpProxyConfig({
        upstream: { url: server.url },
        listen: { port: 0 },
        identity: { from: ['token'] },
        token: { jwksFile: join(dir, 'jwks.json'), issuer: 'https://idp.example.org', audience: 'chainwatch-mcp-proxy' },
      }),
      { logger: quietLogger(), engine: rec.engine },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('refuses a client without a valid token (401) before any MCP message is handled', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt']) {
      const res = await fetch(proxy.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('takes the principal, delegation chain and credential from the verified token', async () => {
    const token = await new SignJWT({ scope: 'files:read mail:send', act: { sub: 'agent:planner', act: { sub: 'agent:router' } } })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('user:bob')
      .setIssuer('https://idp.example.org')
      .setAudience('chainwatch-mcp-proxy')
      .setIssuedAt()
      .setJti('tok-123')
      .setExpirationTime('10m')
      .sign(privateKey);
    const client = await httpClient(proxy.url!, {}, { authorization: `Bearer ${token}` });
    await client.callTool({ name: 'read_file', arguments: { path: 'report.txt' } });
    const req = rec.requests.at(-1)!;
    expect(req.principal).toEqual({ sub: 'user:bob', act: [{ sub: 'agent:planner' }, { sub: 'agent:router' }] });
    expect(req.credential).toMatchObject({ token_id: 'tok-123', scopes: ['files:read', 'mail:send'], audience: 'chainwatch-mcp-proxy' });
    expect(req.credential!.expires_at - req.credential!.issued_at).toBe(600_000);
    await client.close();
  });

  it('keeps a session to the subject that opened it, and refuses unknown sessions', async () => {
    const sign = (sub: string) =>
      new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject(sub).setIssuer('https://idp.example.org').setAudience('chainwatch-mcp-proxy').setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const bob = await sign('user:bob');
    const client = await httpClient(proxy.url!, {}, { authorization: `Bearer ${bob}` });
    const sessionId = (client.transport as { sessionId?: string }).sessionId!;
    const call = (token: string, session: string) =>
      fetch(proxy.url!, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'mcp-session-id': session, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
      });
    expect((await call(await sign('user:mallory'), sessionId)).status).toBe(403);
    expect((await call(bob, 'no-such-session')).status).toBe(404);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});

describe('identity from configuration and trusted headers', () => {
  const config = parseMcpProxyConfig({ upstream: { url: 'http://127.0.0.1:1/mcp' }, identity: { agent: { id: 'a1', type: 'Coder Bot' }, principal: { sub: 'user:alice' }, task: { scopes: ['files:read'] } } }).identity;

  it('defaults the task to the session and derives a stable SPIFFE ID from the agent type', () => {
    const id = resolveIdentity(config, 'sess-1', {});
    expect(id.task).toEqual({ id: 'sess-1', scopes: ['files:read'] });
    expect(id.agent).toEqual({ id: 'a1', type: 'Coder Bot', spiffe_id: 'spiffe://chainwatch.local/mcp-proxy/coder-bot' });
  });

  it('ignores headers unless trusted, and never lets a malformed header replace configuration', () => {
    const headers = { [IDENTITY_HEADERS.principal]: 'user:mallory', [IDENTITY_HEADERS.taskScopes]: 'mail:send,files:read', [IDENTITY_HEADERS.spiffeId]: 'not a spiffe id' };
    expect(resolveIdentity(config, 's', { headers }).principal.sub).toBe('user:alice');
    const trusted = resolveIdentity({ ...config, from: ['headers'] }, 's', { headers });
    expect(trusted.principal.sub).toBe('user:mallory');
    expect(trusted.task.scopes).toEqual(['mail:send', 'files:read']);
    expect(trusted.agent.spiffe_id).toBe('spiffe://chainwatch.local/mcp-proxy/coder-bot');
  });

  it('reads the trace id of a W3C traceparent in _meta (MCP semantic conventions)', () => {
    expect(traceIdOf({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toBeUndefined();
    expect(traceIdOf({ traceparent: 'garbage' })).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});
