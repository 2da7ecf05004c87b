/**
 * The proxy's connection to the real MCP server: a child process over stdio, or a Streamable HTTP
 * endpoint. The proxy is an ordinary MCP client of it (official SDK), declaring no client
 * capabilities of its own, so the server never asks it for sampling, roots or elicitation.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { UpstreamConfig } from './config';

export const PROXY_INFO = { name: 'chainwatch-mcp-proxy', version: '0.1.0' } as const;

export async function connectUpstream(config: UpstreamConfig): Promise<Client> {
  const client = new Client(PROXY_INFO, { capabilities: {} });
  if ('command' in config) {
    await client.connect(
      new StdioClientTransport({
        command: config.command,
        args: config.args,
        ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
        env: { ...getDefaultEnvironment(), ...config.env },
        stderr: 'inherit',
      }),
    );
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } }));
  }
  return client;
}

/** Where the upstream is, for logs (never its headers). */
export function describeUpstream(config: UpstreamConfig): string {
  return 'command' in config ? `stdio:${config.command}` : config.url;
}
