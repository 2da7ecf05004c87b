/**
 * Bearer tokens for clients that only speak Basic authentication: a browser opening the API
 * documentation, a ClickHouse client (Grafana's plugin, @clickhouse/client). The password is a
 * Chainwatch bearer token (the user name is ignored); ClickHouse's own X-ClickHouse-Key header
 * carries it too. The hook only rewrites the header: the route's usual guard then verifies the
 * token and its roles exactly as for a Bearer request.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export function basicToBearer(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length > 6 && header.slice(0, 6).toLowerCase() === 'basic ') {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (password.length > 0) request.headers.authorization = `Bearer ${password}`;
  } else if (header === undefined) {
    const key = request.headers['x-clickhouse-key'];
    if (typeof key === 'string' && key.length > 0) request.headers.authorization = `Bearer ${key}`;
  }
  done();
}

/** Answers a 401 with a Basic challenge, so a browser asks for the token. */
export function basicChallenge(realm: string) {
  const value = `Basic realm="${realm.replaceAll('"', "'")}", charset="UTF-8"`;
  return (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void => {
    if (reply.statusCode === 401) void reply.header('www-authenticate', value);
    done(null, payload);
  };
}
