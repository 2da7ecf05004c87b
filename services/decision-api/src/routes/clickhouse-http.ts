/**
 * A read-only ClickHouse HTTP interface over the trace store, so a Grafana (its ClickHouse plugin,
 * over HTTP) or any ClickHouse client can read the embedded engine of `chainwatch start`:
 *
 *   GET|POST /clickhouse/?query=...&param_x=...&database=chainwatch&default_format=JSON
 *
 * The subset ClickHouse clients use: the query in `query` and/or the body, `param_*` bound by
 * the engine, `database` (only the Chainwatch one), `default_format` or a trailing FORMAT clause,
 * gzip when asked, errors as ClickHouse writes them. Role analyst, as Basic auth (any user, the
 * token as password), a bearer token, or X-ClickHouse-Key. SELECT only, on the Chainwatch
 * database only, in a read-only engine session; other settings sent by clients are ignored.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  ClickHouseException,
  MAX_QUERY_BYTES,
  OUTPUT_FORMATS,
  bindHttpParams,
  chError,
  checkQueryTree,
  encodeHelloBlock,
  HELLO_VALUES_SQL,
  isDriverHello,
  prepareReadOnlyQuery,
  resolveFormat,
  type ReadOnlySql,
} from '@chainwatch/clickhouse';
import type { Logger } from '@chainwatch/runtime';
import { basicChallenge, basicToBearer } from '../auth/basic-token';

const gzipAsync = promisify(gzip);

export interface ClickHouseHttpOptions {
  readonly reader: ReadOnlySql;
  readonly logger?: Logger;
}

export const CLICKHOUSE_HTTP_PATH = '/clickhouse';

export const clickHouseHttpRoutes: FastifyPluginAsync<ClickHouseHttpOptions> = async (app, { reader, logger }) => {
  // Before each route's token guard: Basic (password = token) and X-ClickHouse-Key become Bearer.
  app.addHook('onRequest', basicToBearer);
  app.addHook('onSend', basicChallenge('Chainwatch ClickHouse (password: an analyst token)'));
  // The body is SQL, whatever the client labels it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_QUERY_BYTES }, (_request, body, done) => done(null, body));

  // ClickHouse's liveness probe answers without credentials.
  app.get(`${CLICKHOUSE_HTTP_PATH}/ping`, { schema: { hide: true }, config: { public: true, rateLimit: false } }, async (_request, reply) =>
    reply.type('text/plain; charset=UTF-8').send('Ok.\n'),
  );

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const queryId = randomUUID();
    try {
      const params = (request.query ?? {}) as Record<string, string | string[] | undefined>;
      const one = (name: string): string | undefined => {
        const v = params[name];
        return Array.isArray(v) ? v.at(-1) : v;
      };
      const database = one('database');
      if (database !== undefined && database !== '' && database !== reader.database) {
        throw chError('DATABASE_ACCESS_DENIED', `Access to database ${database.slice(0, 64)} is denied: this endpoint reads the ${reader.database} database only`);
      }
      const body = typeof request.body === 'string' ? request.body : '';
      const text = [one('query') ?? '', body].filter((s) => s.trim().length > 0).join('\n');
      const prepared = prepareReadOnlyQuery(text);
      const format = resolveFormat(prepared, one('default_format'));
      const raw: Record<string, string> = {};
      for (const [key, value] of Object.entries(params)) {
        if (key.startsWith('param_') && value !== undefined) raw[key.slice(6)] = Array.isArray(value) ? (value.at(-1) ?? '') : value;
      }
      const bound = bindHttpParams(prepared, raw);
      let result: Buffer;
      if (isDriverHello(prepared.sql)) {
        // The Go driver's first question (see native-protocol.ts): answered at its revision.
        const [displayName = '', version = '', , timezone = 'UTC'] = Buffer.from(await reader.query(HELLO_VALUES_SQL, {}, 'TabSeparatedRaw')).toString('utf8').trimEnd().split('\t');
        const clientRevision = Number(one('client_protocol_version') ?? 0);
        result =
          format === 'Native'
            ? encodeHelloBlock({ displayName, version, timezone }, Number.isSafeInteger(clientRevision) ? clientRevision : 0)
            : Buffer.from(await reader.query(HELLO_VALUES_SQL, {}, format));
      } else {
        checkQueryTree(await reader.explainTree(prepared.sql, bound), reader.database);
        result = Buffer.from(await reader.query(prepared.sql, bound, format));
      }
      const compress = one('enable_http_compression') === '1' && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      void reply
        .code(200)
        .header('content-type', OUTPUT_FORMATS[format] ?? 'application/octet-stream')
        .header('x-clickhouse-format', format)
        .header('x-clickhouse-query-id', one('query_id') ?? queryId)
        .header('x-clickhouse-timezone', 'UTC');
      if (compress) return reply.header('content-encoding', 'gzip').send(await gzipAsync(result));
      return reply.send(result);
    } catch (err) {
      const e = ClickHouseException.from(err);
      if (e.status >= 500) logger?.warn({ code: e.code, type: e.type }, 'clickhouse endpoint query failed');
      return reply.code(e.status).header('content-type', 'text/plain; charset=UTF-8').header('x-clickhouse-exception-code', String(e.code)).send(e.body);
    }
  };

  const schema = {
    tags: ['investigation'],
    summary: 'Read-only ClickHouse HTTP interface over the trace store (for Grafana)',
    description:
      'Role: analyst (Basic auth with the token as password, Bearer, or X-ClickHouse-Key). SELECT on the Chainwatch database only; ' +
      '`query` and/or the body, `param_*`, `database`, `default_format` or a trailing FORMAT. Answers in the requested ClickHouse format; errors as ClickHouse writes them.',
    security: [{ bearer: [] }],
  };
  for (const url of [CLICKHOUSE_HTTP_PATH, `${CLICKHOUSE_HTTP_PATH}/`]) {
    app.route({ method: ['GET', 'POST'], url, schema: { ...schema, hide: url.endsWith('/') }, config: { roles: ['analyst'] }, handler });
  }
};
