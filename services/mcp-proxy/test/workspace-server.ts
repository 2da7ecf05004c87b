/**
 * A real MCP server for the tests, built with the official SDK and served over Streamable HTTP: a
 * small workspace with files to read and a mailer that records what it "sends". Tool annotations as a
 * careful server author would declare them.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

interface SentMail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

export interface WorkspaceServer {
  readonly url: string;
  readonly sent: SentMail[];
  readonly calls: string[];
  close(): Promise<void>;
}

function buildServer(files: Readonly<Record<string, string>>, sent: SentMail[], calls: string[]): McpServer {
  const server = new McpServer({ name: 'workspace', version: '1.0.0' });
  server.registerTool(
    'read_file',
    {
      description: 'Read a file of the workspace',
      inputSchema: { path: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ path }) => {
      calls.push(`read_file ${path}`);
      const text = files[path];
      if (text === undefined) return { content: [{ type: 'text', text: `no such file: ${path}` }], isError: true };
      return { content: [{ type: 'text', text }] };
    },
  );
  server.registerTool(
    'list_files',
    { description: 'List the workspace', annotations: { readOnlyHint: true, openWorldHint: false } },
    async () => {
      calls.push('list_files');
      return { content: [{ type: 'text', text: Object.keys(files).sort().join('\n') }], structuredContent: { files: Object.keys(files).sort() } };
    },
  );
  server.registerTool(
    'send_email',
    {
      description: 'Send an e-mail',
      inputSchema: { to: z.string(), subject: z.string(), body: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    async ({ to, subject, body }) => {
      calls.push(`send_email ${to}`);
      sent.push({ to, subject, body });
      return { content: [{ type: 'text', text: `sent to ${to}` }] };
    },
  );
  return server;
}

/** Stateless Streamable HTTP: a fresh SDK server and transport per request, as the SDK's examples do. */
export async function startWorkspaceServer(files: Readonly<Record<string, string>>): Promise<WorkspaceServer> {
  const sent: SentMail[] = [];
  const calls: string[] = [];
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
      const server = buildServer(files, sent, calls);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sent,
    calls,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
