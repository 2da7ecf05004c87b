/**
 * Downstream Streamable HTTP: one SDK transport and one proxy session per MCP session
 * (Mcp-Session-Id), bearer tokens verified before anything reaches the transport when a token
 * configuration is given, a session bound to the subject that opened it, bounded bodies and sessions.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@chainwatch/runtime';
import type { BearerVerifier } from './bearer-verifier';
import { MCP_PROXY_DEFAULTS } from './defaults';

export interface HttpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly bodyLimitBytes: number;
  readonly verifier: BearerVerifier | null;
  readonly tokenRequired: boolean;
  readonly newSession: () => Server;
  readonly logger: Logger;
  readonly maxSessions?: number;
  /** Sessions without a request for this long are closed (clients that vanish never send DELETE). */
  readonly sessionIdleMs?: number;
}

export interface HttpListener {
  readonly url: string;
  readonly sessions: number;
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  /** Token subject that opened the session (null without tokens). */
  readonly sub: string | null;
  lastSeen: number;
}

export async function listenHttp(options: HttpListenerOptions): Promise<HttpListener> {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? MCP_PROXY_DEFAULTS.maxSessions;
  const idleMs = options.sessionIdleMs ?? MCP_PROXY_DEFAULTS.sessionIdleMs;
  const closeSession = (id: string, s: Session): void => {
    sessions.delete(id);
    void s.server.close().catch(() => undefined);
  };
  /** Closes sessions idle past the limit; at the cap, also the least recently used one. */
  const sweep = (now: number, makeRoom: boolean): void => {
    let oldest: [string, Session] | null = null;
    for (const [id, s] of sessions) {
      if (now - s.lastSeen > idleMs) closeSession(id, s);
      else if (oldest === null || s.lastSeen < oldest[1].lastSeen) oldest = [id, s];
    }
    if (makeRoom && sessions.size >= maxSessions && oldest !== null) {
      options.logger.warn({ sessions: sessions.size }, 'MCP session limit reached: closing the least recently used session');
      closeSession(oldest[0], oldest[1]);
    }
  };
  const sweeper = setInterval(() => sweep(Date.now(), false), Math.min(60_000, Math.max(1000, Math.floor(idleMs / 2))));
  sweeper.unref();

  const handle = async (req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return plain(res, 404, 'not found');

    let sub: string | null = null;
    if (options.verifier !== null) {
      const header = req.headers.authorization;
      const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : '';
      if (token !== '') {
        try {
          const claims = await options.verifier(token);
          sub = claims.sub;
          req.auth = { token, clientId: claims.sub, scopes: claims.scopes, expiresAt: claims.exp, extra: { claims } };
        } catch {
          return unauthorized(res, 'invalid bearer token');
        }
      } else if (options.tokenRequired) {
        return unauthorized(res, 'bearer token required');
      }
    }

    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (session === undefined) return jsonRpcError(res, 404, 'unknown or closed MCP session');
      if (session.sub !== sub) return jsonRpcError(res, 403, 'session belongs to another subject');
      session.lastSeen = Date.now();
      const body = req.method === 'POST' ? await readJson(req, options.bodyLimitBytes) : undefined;
      if (body === TOO_LARGE) return jsonRpcError(res, 413, 'request body too large');
      if (body === NOT_JSON) return jsonRpcError(res, 400, 'request body is not JSON');
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST') return jsonRpcError(res, 400, 'missing Mcp-Session-Id');
    const body = await readJson(req, options.bodyLimitBytes);
    if (body === TOO_LARGE) return jsonRpcError(res, 413, 'request body too large');
    if (body === NOT_JSON) return jsonRpcError(res, 400, 'request body is not JSON');
    if (!isInitializeRequest(body)) return jsonRpcError(res, 400, 'no session: the first request must be initialize');
    if (sessions.size >= maxSessions) sweep(Date.now(), true);

    const server = options.newSession();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, sub, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'MCP HTTP request failed');
      if (!res.headersSent) jsonRpcError(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${options.path}`,
    get sessions() {
      return sessions.size;
    },
    async close() {
      clearInterval(sweeper);
      for (const s of [...sessions.values()]) await s.server.close().catch(() => undefined);
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const TOO_LARGE = Symbol('too large');
const NOT_JSON = Symbol('not json');

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}

function unauthorized(res: ServerResponse, message: string): void {
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
}

function jsonRpcError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
