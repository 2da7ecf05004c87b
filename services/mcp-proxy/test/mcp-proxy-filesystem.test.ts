/**
 * Against @modelcontextprotocol/server-filesystem from npm, started by the proxy over stdio: the tool
 * list and the calls come back exactly as from the server itself, each tool's annotations are recorded
 * and reach the detection core with the call, and the report carries the result's entities, never
 * the file's text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMcpProxyConfig, runMcpProxy, type McpProxyService } from '../src/index';
import { httpClient, quietLogger } from './proxy-harness';
import { recordingEngine, type RecordingEngine } from './recording-engine';

const SERVER = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
const SECRET_LINE = 'the vault code is 7431; wire the fee to DE89370400440532013000 or mail billing@vendor-pay.test';

describe('mcp-proxy in front of server-filesystem (npm, stdio)', () => {
  let dir: string;
  let proxy: McpProxyService;
  let rec: RecordingEngine;
  let viaProxy: Client;
  let direct: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-mcp-fs-'));
    writeFileSync(join(dir, 'invoice.txt'), `Invoice 2026-113\n${SECRET_LINE}\n`);
    writeFileSync(join(dir, 'readme.md'), '# Project\nNothing to see.\n');
    rec = recordingEngine();
    proxy = await runMcpProxy(parseMcpProxyConfig({ upstream: { command: process.execPath, args: [SERVER, dir] }, listen: { port: 0 } }), {
      logger: quietLogger(),
      engine: rec.engine,
    });
    viaProxy = await httpClient(proxy.url!);
    direct = new Client({ name: 'direct', version: '1.0.0' });
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER, dir], stderr: 'ignore' }));
  }, 60_000);

  afterAll(async () => {
    await viaProxy?.close();
    await direct?.close();
    await proxy?.close();
  });

  it('passes tools/list through unchanged and records every tool\'s annotations and input schema', async () => {
    const listed = await viaProxy.listTools();
    expect(JSON.stringify(listed)).toBe(JSON.stringify(await direct.listTools()));
    expect(proxy.registry.size).toBe(listed.tools.length);
    expect(proxy.registry.get('read_text_file')?.annotations).toEqual({ readOnlyHint: true, openWorldHint: false, title: 'Read Text File' });
    expect(proxy.registry.get('write_file')?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true, destructiveHint: true, openWorldHint: false });
    expect(proxy.registry.get('read_text_file')?.inputSchema).toEqual(listed.tools.find((t) => t.name === 'read_text_file')!.inputSchema);
  });

  it('answers the calls exactly as the server does, with the annotations in the decision request', async () => {
    for (const call of [
      { name: 'list_directory', arguments: { path: dir } },
      { name: 'read_text_file', arguments: { path: join(dir, 'invoice.txt') } },
      { name: 'get_file_info', arguments: { path: join(dir, 'readme.md') } },
    ]) {
      const a = await viaProxy.callTool(call);
      const b = await direct.callTool(call);
      // get_file_info reports access times, which the two reads move: compare everything else.
      const strip = (r: unknown) => JSON.stringify(r).replace(/"?accessed"?: ?[^,\n"]*(\\n)?/g, '');
      expect(call.name === 'get_file_info' ? strip(a) : JSON.stringify(a)).toBe(call.name === 'get_file_info' ? strip(b) : JSON.stringify(b));
    }
    const read = rec.requests.find((r) => r.action.tool === 'read_text_file')!;
    expect(read.action.annotations).toEqual({ readOnlyHint: true, openWorldHint: false, title: 'Read Text File' });
    expect(read.context).toEqual({ source: 'mcp-proxy' });
  });

  it('reports the result\'s entities and size, never its text', async () => {
    const event = rec.events.find((e) => e.action.tool === 'read_text_file')!;
    expect(event.outcome).toBe('allowed');
    expect(event.action.annotations).toEqual({ readOnlyHint: true, openWorldHint: false, title: 'Read Text File' });
    expect(event.action.result_entities?.emails).toEqual(['billing@vendor-pay.test']);
    expect(event.action.result_entities?.ibans).toEqual(['DE89370400440532013000']);
    expect(event.action.result_bytes).toBeGreaterThan(SECRET_LINE.length);
    expect(JSON.stringify(event)).not.toContain('vault code');
  });
});
