import { createGunzip } from 'node:zlib';
import type { FastifyPluginAsync } from 'fastify';
import { Counter } from 'prom-client';
import { z } from 'zod';
import type { IngestGate } from '../ingest/ingest-gate';
import type { RecordPublisher } from '@chainwatch/kafka';
import { ChainwatchError } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import type { DecisionApiMetrics } from '../metrics';
import { ErrorBody, errorBody } from '../http/error-body';

/**
 * OTLP ExportTraceServiceResponse as JSON (the protobuf answer carries the same fields): empty when
 * every span was accepted, else how many were rejected and why.
 */
export const OtlpExportResponse = z
  .object({
    partialSuccess: z
      .object({ rejectedSpans: z.string().describe('Spans rejected, as OTLP JSON writes int64.'), errorMessage: z.string() })
      .optional()
      .describe('Present when some spans were rejected.'),
  })
  .describe('OTLP ExportTraceServiceResponse (JSON; the protobuf encoding when the request was protobuf).');
import { mapGenAiSpans, type MappingOptions, type SpanResult } from '../otlp/genai-span-events';
import { spansFromJson } from '../otlp/otlp-json';
import { encodeProtobufResponse, spansFromProtobuf } from '../otlp/otlp-proto';
import type { SpanView } from '../otlp/otlp-spans';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

export interface TraceRoutesOptions {
  readonly publisher: RecordPublisher;
  /** Bounds what ingestion holds in memory (shared with POST /v1/events). */
  readonly gate: IngestGate;
  readonly metrics: DecisionApiMetrics;
  readonly topic?: string;
  readonly mapping?: MappingOptions;
  /** Answer 503 when the log has not accepted the events within this long (default 10 s). */
  readonly publishTimeoutMs?: number;
}

/**
 * OTLP/HTTP trace ingestion (POST /v1/traces, JSON or protobuf, optionally gzip): GenAI tool
 * executions become AgentActionEvents published to agent.actions like POST /v1/events; every other
 * span is counted in chainwatch_otlp_spans_total and dropped. The answer is an OTLP
 * ExportTraceServiceResponse in the request's encoding (partial success names the rejected spans).
 */
export const traceRoutes: FastifyPluginAsync<TraceRoutesOptions> = async (app, options) => {
  const topic = options.topic ?? TOPICS.actions;
  const spansTotal = new Counter({
    name: 'chainwatch_otlp_spans_total',
    help: 'OTLP spans received, by what became of them (event, delegation; duplicate and not_tool: dropped; invalid: rejected)',
    labelNames: ['result'],
    registers: [options.metrics.registry],
  });
  app.addContentTypeParser(PROTOBUF, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // OTLP exporters may gzip: inflate before parsing, the body limit applying to the inflated bytes.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding === 'identity') return payload;
    if (encoding !== 'gzip') throw new ChainwatchError('CW_INVALID_REQUEST', `unsupported Content-Encoding ${encoding}`);
    delete request.headers['content-length'];
    return payload.pipe(createGunzip());
  });

  app.post(
    '/v1/traces',
    {
      schema: {
        summary: 'Ingest OpenTelemetry traces (OTLP/HTTP, JSON or protobuf): GenAI tool executions become agent actions',
        description:
          'Role: enforcer. Content-Type application/x-protobuf or application/json, optionally Content-Encoding gzip. Spans following ' +
          'the GenAI and MCP semantic conventions (execute_tool, tools/call, resources/read, nested invoke_agent) are turned into ' +
          `AgentActionEvents and published to ${topic}; other spans are counted and dropped. The answer is an OTLP ` +
          'ExportTraceServiceResponse in the request\'s encoding. See docs/integrate.md for the mapping.',
        tags: ['events'],
        security: [{ bearer: [] }],
        consumes: [PROTOBUF, JSON_TYPE],
        response: { 200: OtlpExportResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['enforcer'] },
    },
    async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').toLowerCase();
      const protobuf = type.startsWith(PROTOBUF);
      if (!protobuf && !type.startsWith(JSON_TYPE)) {
        return reply.code(415).send(errorBody('CW_INVALID_REQUEST', `expected Content-Type ${PROTOBUF} or ${JSON_TYPE}`));
      }
      let spans: SpanView[];
      try {
        spans = protobuf ? spansFromProtobuf(request.body as Buffer) : spansFromJson(request.body);
      } catch {
        throw new ChainwatchError('CW_INVALID_REQUEST', `body is not an OTLP ExportTraceServiceRequest (${protobuf ? 'protobuf' : 'JSON'})`);
      }
      const mapped = mapGenAiSpans(spans, options.mapping);
      if (mapped.events.length > 0) {
        const records = mapped.events.map((e) => ({ key: e.trace_id, value: JSON.stringify(e) }));
        const size = Buffer.isBuffer(request.body) ? request.body.length : typeof request.body === 'string' ? request.body.length : records.reduce((n, r) => n + r.value.length, 0);
        const admission = options.gate.admit(size);
        if (!admission.ok) {
          void reply.header('retry-after', String(admission.retryAfterS));
          throw new ChainwatchError('CW_OVERLOADED', admission.reason === 'backlog' ? 'storage is behind; retry the export later' : 'too many exports in flight; retry the export later');
        }
        const published = options.publisher.publish(topic, records);
        published.then(admission.release, admission.release);
        try {
          await withTimeout(published, options.publishTimeoutMs ?? 10_000);
        } catch (err) {
          void reply.header('retry-after', '1');
          throw new ChainwatchError('CW_KAFKA_UNREACHABLE', 'spans not stored; retry the export', { cause: err });
        }
      }
      for (const [result, n] of Object.entries(mapped.counts) as [SpanResult, number][]) if (n > 0) spansTotal.inc({ result }, n);
      const rejected = mapped.counts.invalid;
      const message = rejected > 0 ? `${rejected} span(s) rejected: ${mapped.problems.join('; ')}` : '';
      if (protobuf) return reply.type(PROTOBUF).send(Buffer.from(encodeProtobufResponse(rejected, message)));
      return reply.type(JSON_TYPE).send(rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } } : {});
    },
  );
};

/** Rejects when `promise` has not settled within `ms` (the publish itself may still complete later). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not acknowledged within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
