/**
 * step_up through MCP elicitation: the proxy asks the user (the SDK client's elicitation handler),
 * records the answer as any approval (binding answered, then the same action retried with it), and
 * the approved call runs once, reported as user-approved; a declined one is denied and never runs.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMcpProxyConfig, runMcpProxy, type McpProxyService } from '../src/index';
import { FILES, READ_ONLY_INTENT, httpClient, quietLogger } from './proxy-harness';
import { recordingEngine, type RecordingEngine } from './recording-engine';
import { startWorkspaceServer, type WorkspaceServer } from './workspace-server';

describe('mcp-proxy approvals through MCP elicitation', () => {
  let server: WorkspaceServer;
  let proxy: McpProxyService;
  let rec: RecordingEngine;

  beforeAll(async () => {
    server = await startWorkspaceServer(FILES);
    rec = recordingEngine();
    proxy = await runMcpProxy(
      parseMcpProxyConfig({ upstream: { url: server.url }, listen: { port: 0 }, identity: { principal: { sub: 'user:alice' }, task: { intent: READ_ONLY_INTENT } } }),
      { logger: quietLogger(), engine: rec.engine },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  async function agentAnswering(approve: boolean | 'cancel') {
    const prompts: string[] = [];
    const client = await httpClient(proxy.url!, { elicitation: {} });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      prompts.push(request.params.message);
      return approve === 'cancel' ? { action: 'cancel' } : { action: 'accept', content: { approve } };
    });
    await client.callTool({ name: 'read_file', arguments: { path: 'notes.txt' } });
    return { client, prompts };
  }

  const exfil = { name: 'send_email', arguments: { to: 'audit@exfil-mail.test', subject: 'Report', body: 'numbers' } };

  it('runs the call once the user approves it, and reports it as approved', async () => {
    const { client, prompts } = await agentAnswering(true);
    const result = await client.callTool(exfil);
    expect(result).toEqual({ content: [{ type: 'text', text: 'sent to audit@exfil-mail.test' }] });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatch(/send_email[\s\S]*audit@exfil-mail\.test/);
    expect(server.sent.map((m) => m.to)).toContain('audit@exfil-mail.test');
    const retried = rec.requests.filter((r) => r.action.tool === 'send_email' && r.approval_binding !== undefined);
    expect(retried).toHaveLength(1);
    const reported = rec.events.filter((e) => e.action.tool === 'send_email').at(-1)!;
    expect(reported.context).toEqual({ source: 'mcp-proxy', user_approved: true });
    expect(reported.outcome).toBe('allowed');
    expect(proxy.stats.approved).toBe(1);
    await client.close();
  });

  it('denies the call when the user declines, and the server never sees it', async () => {
    const before = server.sent.length;
    const { client } = await agentAnswering(false);
    const result = await client.callTool(exfil);
    expect(result.isError).toBe(true);
    const meta = result._meta?.['chainwatch.dev/decision'] as { decision: string; reasons: { rule_id: string }[] };
    expect(meta.decision).toBe('deny');
    expect(meta.reasons[0]!.rule_id).toBe('approval.rejected');
    expect(server.sent.length).toBe(before);
    expect(rec.events.at(-1)!.outcome).toBe('denied');
    await client.close();
  });

  it('answers with the approval binding when the user dismisses the question', async () => {
    const before = server.sent.length;
    const { client } = await agentAnswering('cancel');
    const result = await client.callTool(exfil);
    const meta = result._meta?.['chainwatch.dev/decision'] as { decision: string; approval?: { binding: string } };
    expect(meta.decision).toBe('step_up');
    expect(meta.approval?.binding).toMatch(/.+/);
    expect((result.content as { text: string }[])[0]!.text).toContain(`POST /v1/approvals/${meta.approval!.binding}`);
    expect(server.sent.length).toBe(before);
    await client.close();
  });

  it('never runs a call the client gave up on while the user was still deciding', async () => {
    const before = server.sent.length;
    const approvedBefore = proxy.stats.approved;
    const client = await httpClient(proxy.url!, { elicitation: {} });
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked++;
      await new Promise((r) => setTimeout(r, 800));
      return { action: 'accept', content: { approve: true } };
    });
    await client.callTool({ name: 'read_file', arguments: { path: 'notes.txt' } });
    await expect(client.callTool(exfil, undefined, { timeout: 200 })).rejects.toThrow(/timed out/i);
    await new Promise((r) => setTimeout(r, 1200));
    expect(asked).toBe(1);
    expect(server.sent.length).toBe(before);
    // The late answer is not recorded as an approval either: the question was withdrawn.
    expect(proxy.stats.approved).toBe(approvedBefore);
    await client.close();
  });

  it('answers with the binding to a client without elicitation, and the same retry presents it', async () => {
    const client = await httpClient(proxy.url!);
    await client.callTool({ name: 'read_file', arguments: { path: 'notes.txt' } });
    const first = await client.callTool(exfil);
    const binding = (first._meta?.['chainwatch.dev/decision'] as { approval: { binding: string } }).approval.binding;
    await client.callTool(exfil);
    const last = rec.requests.filter((r) => r.action.tool === 'send_email').at(-1)!;
    expect(last.approval_binding).toBe(binding);
    await client.close();
  });
});
