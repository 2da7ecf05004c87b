/** Downstream HTTP sessions are bounded: the least recently used goes at the cap, idle ones are closed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMcpProxyConfig, runMcpProxy, type McpProxyService } from '../src/index';
import { FILES, httpClient, quietLogger } from './proxy-harness';
import { startWorkspaceServer, type WorkspaceServer } from './workspace-server';

describe('mcp-proxy HTTP sessions', () => {
  let server: WorkspaceServer;
  let proxy: McpProxyService;

  beforeAll(async () => {
    server = await startWorkspaceServer(FILES);
    proxy = await runMcpProxy(parseMcpProxyConfig({ upstream: { url: server.url }, listen: { port: 0 }, maxSessions: 2, sessionIdleMs: 1000 }), { logger: quietLogger() });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('closes the least recently used session to admit a new one at the cap', async () => {
    const first = await httpClient(proxy.url!);
    const second = await httpClient(proxy.url!);
    await second.listTools();
    const third = await httpClient(proxy.url!);
    await expect(first.listTools()).rejects.toThrow(/404|unknown or closed/);
    expect((await second.listTools()).tools.length).toBe(3);
    expect((await third.listTools()).tools.length).toBe(3);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it('closes sessions idle past the limit', async () => {
    const client = await httpClient(proxy.url!);
    await client.listTools();
    await new Promise((r) => setTimeout(r, 2600));
    await expect(client.listTools()).rejects.toThrow(/404|unknown or closed/);
    await client.close();
  });
});
