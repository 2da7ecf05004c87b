/** The MCP server of `bench mcp-proxy`: one read-only tool answering a fixed note, over stdio (official SDK). */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const NOTE = 'Standup notes: deploy moved to Thursday; questions to ops@example.org. '.repeat(8);
const server = new McpServer({ name: 'notes', version: '1.0.0' });
server.registerTool(
  'read_note',
  { description: 'Read a note', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true, openWorldHint: false } },
  async ({ id }) => ({ content: [{ type: 'text', text: `${id}: ${NOTE}` }] }),
);
await server.connect(new StdioServerTransport());
