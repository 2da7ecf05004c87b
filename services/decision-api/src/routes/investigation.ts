import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';
import { Id, Level, Name } from '@chainwatch/schemas';
import { INVESTIGATION_LIMITS, type InvestigationStore } from '@chainwatch/clickhouse';
import { ErrorBody, errorBody } from '../http/error-body';
import { toIssues } from '../http/issue-format';
import { FindingsPageResponse, TimelineResponse, TraceGraphResponse } from './investigation-schemas';

export interface InvestigationRoutesOptions {
  readonly store: InvestigationStore;
  /** Authorisation for every route of this plugin (the app passes one requiring role analyst). */
  readonly preHandler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** Epoch milliseconds, or an ISO 8601 timestamp (Grafana sends ms; people type dates). */
const Instant = z
  .string()
  .max(40)
  .meta({ description: 'Epoch milliseconds or an ISO 8601 timestamp; the range defaults to the last 24 h and spans at most 31 days' })
  .transform((v, ctx) => {
    const ms = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isSafeInteger(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 timestamp' });
      return z.NEVER;
    }
    return ms;
  });

const Limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(INVESTIGATION_LIMITS.maxRows)
  .meta({ description: `Rows per answer, 1 to ${INVESTIGATION_LIMITS.maxRows} (default ${INVESTIGATION_LIMITS.defaultRows})` });

const IdParams = z.object({ id: Id }).strict();

const RangeQuery = z.object({
  from: Instant.optional().meta({ description: 'Start of the range (inclusive): epoch ms or ISO 8601; default `to` minus 24 h' }),
  to: Instant.optional().meta({ description: 'End of the range (inclusive): epoch ms or ISO 8601; default now' }),
});

const TimelineQuery = RangeQuery.extend({ limit: Limit.optional() }).strict();

const GraphQuery = RangeQuery.strict();

const FindingsQuery = RangeQuery.extend({
  rule: Name.optional().meta({ description: 'Only findings of this rule id (exact; see docs/rules.md)' }),
  level: Level.optional().meta({ description: 'Only findings of this severity or higher' }),
  agent_type: Name.optional().meta({ description: 'Only findings in sessions of this agent type' }),
  cursor: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
    .optional()
    .meta({ description: '`next_cursor` of the previous page' }),
  limit: Limit.optional(),
}).strict();

type Parsed<S extends z.ZodType> = { ok: true; value: z.infer<S> } | { ok: false };

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string, reply: FastifyReply): Parsed<S> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  void reply.code(400).send(errorBody('CW_INVALID_REQUEST', `${what} failed validation`, toIssues(result.error.issues, schema)));
  return { ok: false };
}

/**
 * The route schemas document these endpoints in the OpenAPI document; the handlers validate (after
 * the role check, with `parse` above), so fastify's own validation is switched off for them, and
 * answers are plain JSON (a test parses real answers with the documented schemas).
 */
const validatedInHandler = () => (data: unknown) => ({ value: data });
const plainJson = () => (data: unknown) => JSON.stringify(data);
const ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody };

/** Optional properties only when present (exactOptionalPropertyTypes-safe). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Store errors the caller caused (range too wide, bad cursor) answer 4xx; the rest go to the app's error handler. */
async function answer(reply: FastifyReply, run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ChainwatchError && err.status < 500) return reply.code(err.status).send(errorBody(err.code, err.message));
    throw err;
  }
}

/**
 * Investigation endpoints over the ClickHouse trace store (role analyst): a session's timeline,
 * a trace's delegation graph (Grafana Node Graph shape) and findings search with keyset
 * pagination. Inputs are zod-validated here; the store binds them as ClickHouse parameters and
 * bounds every query in time (default 24 h, max 31 days) and rows (max 1000).
 */
export const investigationRoutes: FastifyPluginAsync<InvestigationRoutesOptions> = async (app, options) => {
  const { store, preHandler } = options;
  const docs = (summary: string, description: string) => ({ tags: ['investigation'], summary, description: `Role: analyst. ${description}`, security: [{ bearer: [] }] });
  const route = { preHandler, validatorCompiler: validatedInHandler, serializerCompiler: plainJson };

  app.get(
    '/v1/sessions/:id/timeline',
    {
      ...route,
      schema: {
        ...docs("A session's actions, findings and decisions in time order", 'At most `limit` items of the range, oldest first; `truncated` says when more exist.'),
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: TimelineResponse, ...ERRORS },
      },
    },
    async (request, reply) => {
      const params = parse(IdParams, request.params, 'path', reply);
      if (!params.ok) return reply;
      const query = parse(TimelineQuery, request.query, 'querystring', reply);
      if (!query.ok) return reply;
      return answer(reply, () => store.timeline(params.value.id, defined(query.value)));
    },
  );

  app.get(
    '/v1/traces/:id/graph',
    {
      ...route,
      schema: {
        ...docs('The delegation graph of a trace, with each session’s latest risk', 'Sessions seen in the range, one edge per observed delegation (Grafana Node Graph frames).'),
        params: IdParams,
        querystring: GraphQuery,
        response: { 200: TraceGraphResponse, ...ERRORS },
      },
    },
    async (request, reply) => {
      const params = parse(IdParams, request.params, 'path', reply);
      if (!params.ok) return reply;
      const query = parse(GraphQuery, request.query, 'querystring', reply);
      if (!query.ok) return reply;
      return answer(reply, () => store.traceGraph(params.value.id, defined(query.value)));
    },
  );

  app.get(
    '/v1/findings',
    {
      ...route,
      schema: {
        ...docs(
          'Findings, newest first, filtered by rule, level and agent type; paginated',
          'Keyset pagination: pass `next_cursor` as `cursor` for the next, older page. Filters combine with AND.',
        ),
        querystring: FindingsQuery,
        response: { 200: FindingsPageResponse, ...ERRORS },
      },
    },
    async (request, reply) => {
      const query = parse(FindingsQuery, request.query, 'querystring', reply);
      if (!query.ok) return reply;
      return answer(reply, () => store.findings(defined(query.value)));
    },
  );
};
