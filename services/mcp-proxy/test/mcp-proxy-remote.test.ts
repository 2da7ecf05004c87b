/**
 * The proxy against a running decision API over a real socket: decisions from POST /v1/decisions,
 * events after the fact through POST /v1/events (fed to the engine the API decides with), approvals
 * relayed to POST /v1/approvals. And when the decision service is unreachable or silent: the
 * documented fail mode, within the timeout.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { InProcessView, buildDecisionApi, createDevAuth, listenDecisionApi, type DecisionApi } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { AgentActionEvent, TOPICS } from '@chainwatch/schemas';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMcpProxyConfig, runMcpProxy, type McpProxyService } from '../src/index';
import { FILES, READ_ONLY_INTENT, httpClient, quietLogger } from './proxy-harness';
import { startWorkspaceServer, type WorkspaceServer } from './workspace-server';

describe('mcp-proxy with a remote decision API', () => {
  let server: WorkspaceServer;
  let api: DecisionApi;
  let apiUrl: string;
  let log: MemoryLog;
  let proxy: McpProxyService;

  beforeAll(async () => {
    server = await startWorkspaceServer(FILES);
    const shipped = loadDefaultPolicy();
    const engine = createDetectionEngine({ catalog: shipped.catalog, policy: shipped.policy, rules: shipped.rules });
    log = new MemoryLog();
    // A minimal processor: every ingested event reaches the engine the API decides with.
    log.subscribe([TOPICS.actions], async (records) => {
      for (const r of records) engine.observe(AgentActionEvent.parse(JSON.parse(r.value.toString('utf8'))));
    });
    const auth = await createDevAuth();
    api = await buildDecisionApi({
      view: new InProcessView(engine, { caughtUp: () => log.pending(TOPICS.actions) === 0 }),
      publisher: log,
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      logger: quietLogger(),
    });
    apiUrl = await listenDecisionApi(api, { host: '127.0.0.1', port: 0 });
    proxy = await runMcpProxy(
      parseMcpProxyConfig({
        upstream: { url: server.url },
        listen: { port: 0 },
        // Separation of duties: the enforcer that asked may not approve; the user's answers are relayed with their own token.
        decisions: { mode: 'remote', url: apiUrl, token: auth.token, approverToken: await auth.sign({ sub: 'user:alice', roles: ['approver'] }) },
        identity: { principal: { sub: 'user:alice' }, task: { intent: READ_ONLY_INTENT } },
      }),
      { logger: quietLogger() },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await api?.app.close();
    await server?.close();
  });

  it('asks the API before each call, reports each call after it, and relays an elicited approval', async () => {
    const client = await httpClient(proxy.url!, { elicitation: {} });
    const answers: boolean[] = [false];
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { approve: answers.shift() ?? false } }));
    expect(await client.callTool({ name: 'read_file', arguments: { path: 'notes.txt' } })).toEqual({ content: [{ type: 'text', text: FILES['notes.txt'] }] });
    await proxy.decider.flush();
    await log.idle();
    const refused = await client.callTool({ name: 'send_email', arguments: { to: 'audit@exfil-mail.test', subject: 'r', body: 'b' } });
    expect((refused._meta?.['chainwatch.dev/decision'] as { decision: string }).decision).toBe('deny');
    await proxy.decider.flush();

    const events = log.records(TOPICS.actions).map((r) => AgentActionEvent.parse(JSON.parse(r.value.toString('utf8'))));
    expect(events.map((e) => [e.action.tool, e.outcome])).toEqual([
      ['read_file', 'allowed'],
      ['send_email', 'denied'],
    ]);
    expect(events[0]!.action.result_entities?.emails).toEqual(['audit@exfil-mail.test']);
    expect(JSON.stringify(events[0])).not.toContain('IMPORTANT SYSTEM NOTE');
    await api.decisionLog.flush();
    const kinds = log.records(TOPICS.decisions).map((r) => (JSON.parse(r.value.toString('utf8')) as { kind: string; caller: string }));
    expect(kinds.map((k) => k.kind)).toEqual(['decision', 'decision', 'rejection', 'decision']);
    expect(kinds[2]!.caller).toBe('user:alice');
    expect(server.sent).toEqual([]);
    await client.close();
  });
});

describe('mcp-proxy fail mode when the decision service cannot answer', () => {
  let server: WorkspaceServer;
  let silent: HttpServer;
  const proxies: McpProxyService[] = [];

  beforeAll(async () => {
    server = await startWorkspaceServer(FILES);
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await server.close();
  });

  async function proxyTo(url: string, failMode?: { sensitive: 'deny' | 'allow'; other: 'deny' | 'allow' }) {
    const p = await runMcpProxy(
      parseMcpProxyConfig({ upstream: { url: server.url }, listen: { port: 0 }, decisions: { mode: 'remote', url, token: 't', timeoutMs: 300 }, ...(failMode ? { failMode } : {}) }),
      { logger: quietLogger() },
    );
    proxies.push(p);
    return p;
  }

  it('times out on a silent service: read-only calls pass (fail open), sends are denied (fail closed)', async () => {
    const { port } = silent.address() as AddressInfo;
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    const client = await httpClient(proxy.url!);
    await client.listTools();
    const started = Date.now();
    expect(await client.callTool({ name: 'read_file', arguments: { path: 'report.txt' } })).toEqual({ content: [{ type: 'text', text: FILES['report.txt'] }] });
    const send = await client.callTool({ name: 'send_email', arguments: { to: 'alice@example.org', subject: 's', body: 'b' } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(send.isError).toBe(true);
    const meta = send._meta?.['chainwatch.dev/decision'] as { decision: string; stale: string; reasons: { rule_id: string; message: string }[] };
    expect(meta).toMatchObject({ decision: 'deny', stale: 'fail_closed' });
    expect(meta.reasons[0]!.message).toMatch(/no answer within 300 ms/);
    expect(proxy.stats).toMatchObject({ failOpen: 1, failClosed: 1 });
    expect(server.sent).toEqual([]);
    await client.close();
  });

  it('applies the configured fail mode on an unreachable service', async () => {
    const proxy = await proxyTo('http://127.0.0.1:1', { sensitive: 'deny', other: 'deny' });
    const client = await httpClient(proxy.url!);
    await client.listTools();
    const read = await client.callTool({ name: 'read_file', arguments: { path: 'report.txt' } });
    expect((read._meta?.['chainwatch.dev/decision'] as { reasons: { message: string }[] }).reasons[0]!.message).toMatch(/unreachable/);
    expect(read.isError).toBe(true);
    await client.close();
  });
});
