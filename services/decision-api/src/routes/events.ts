import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RecordPublisher, OutgoingRecord } from '@chainwatch/kafka';
import { ChainwatchError } from '@chainwatch/runtime';
import { AgentActionEvent, TOPICS } from '@chainwatch/schemas';
import type { DecisionApiMetrics } from '../metrics';
import type { IngestGate } from '../ingest/ingest-gate';
import { ErrorBody, ErrorIssue, errorBody } from '../http/error-body';
import { toIssues } from '../http/issue-format';

export const NDJSON = 'application/x-ndjson';

export const RejectedLine = z.object({
  /** 1-based line number in the request body. */
  line: z.number().int().positive(),
  error: z.string(),
  issues: z.array(ErrorIssue).optional(),
});

export const IngestResult = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(RejectedLine),
  /** Present (with status 400) when no line was accepted. */
  error: ErrorBody.shape.error.optional(),
});
export type IngestResult = z.infer<typeof IngestResult>;

export interface EventRoutesOptions {
  readonly publisher: RecordPublisher;
  readonly metrics: DecisionApiMetrics;
  readonly topic?: string;
  /** Answer 503 when the log has not accepted the batch within this long (default 10 s). */
  readonly publishTimeoutMs?: number;
  /** Bounds on what ingestion holds; past them a batch is refused (503 CW_OVERLOADED, Retry-After). */
  readonly gate: IngestGate;
}

/**
 * NDJSON ingestion for enforcement points that cannot speak Kafka. Every valid line is published to
 * agent.actions (key trace_id); every invalid line is reported by its 1-based line number with the
 * zod issues, in one response. 200 when at least one line was accepted, 400 when none was.
 */
export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, options) => {
  const topic = options.topic ?? TOPICS.actions;
  app.addContentTypeParser(NDJSON, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      schema: {
        summary: 'Ingest a batch of AgentActionEvents as NDJSON (one JSON event per line)',
        description:
          `Role: enforcer. Content-Type: ${NDJSON}. Valid lines are published to ${topic}; invalid lines are listed in ` +
          '`rejected` with their 1-based line number and the validation issues. 200 when any line was accepted, 400 when none was.',
        tags: ['events'],
        security: [{ bearer: [] }],
        consumes: [NDJSON],
        response: { 200: IngestResult, 400: IngestResult.or(ErrorBody), 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['enforcer'] },
    },
    async (request, reply) => {
      const type = request.headers['content-type'] ?? '';
      if (!type.toLowerCase().startsWith(NDJSON) || typeof request.body !== 'string') {
        return reply.code(415).send(errorBody('CW_INVALID_REQUEST', `expected Content-Type ${NDJSON}`));
      }
      const { records, rejected } = parseBatch(request.body);
      if (records.length === 0 && rejected.length === 0) throw new ChainwatchError('CW_INVALID_REQUEST', 'the batch holds no events');
      if (records.length > 0) {
        const admission = options.gate.admit(request.body.length);
        if (!admission.ok) {
          options.metrics.events.inc({ result: 'refused' }, records.length);
          void reply.header('retry-after', String(admission.retryAfterS));
          throw new ChainwatchError('CW_OVERLOADED', admission.reason === 'backlog' ? 'storage is behind; retry the batch later' : 'too many batches in flight; retry the batch later');
        }
        const published = options.publisher.publish(topic, records);
        // The batch is held until the publisher settles, even past the timeout below.
        published.then(admission.release, admission.release);
        try {
          await withTimeout(published, options.publishTimeoutMs ?? 10_000);
        } catch (err) {
          void reply.header('retry-after', '1');
          throw new ChainwatchError('CW_KAFKA_UNREACHABLE', 'events not stored; retry the batch', { cause: err });
        }
      }
      options.metrics.events.inc({ result: 'accepted' }, records.length);
      options.metrics.events.inc({ result: 'rejected' }, rejected.length);
      if (records.length === 0) {
        return reply.code(400).send({ accepted: 0, rejected, error: errorBody('CW_INVALID_EVENT', 'no line of the batch is a valid event').error });
      }
      return { accepted: records.length, rejected };
    },
  );
};

function parseBatch(body: string): { records: OutgoingRecord[]; rejected: z.infer<typeof RejectedLine>[] } {
  const records: OutgoingRecord[] = [];
  const rejected: z.infer<typeof RejectedLine>[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).trim();
    if (text.length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      rejected.push({ line: i + 1, error: 'not valid JSON' });
      continue;
    }
    let parsed: ReturnType<typeof AgentActionEvent.safeParse>;
    try {
      parsed = AgentActionEvent.safeParse(json);
    } catch {
      // Nothing a line holds may fail the batch: its good lines are kept either way.
      rejected.push({ line: i + 1, error: 'event could not be validated' });
      continue;
    }
    if (!parsed.success) {
      const issues = toIssues(parsed.error.issues, AgentActionEvent);
      const first = issues[0];
      rejected.push({ line: i + 1, error: first ? `${first.path || '(event)'}: ${first.message}` : 'invalid event', issues });
      continue;
    }
    records.push({ key: parsed.data.trace_id, value: JSON.stringify(parsed.data) });
  }
  return { records, rejected };
}

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
