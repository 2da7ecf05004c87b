import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ChainwatchError, type ErrorCode, type Logger } from '@chainwatch/runtime';
import { errorBody } from './error-body';
import { toIssues, type RawIssue } from './issue-format';

/**
 * Fastify's own errors, mapped onto the catalogue with a fixed message each: fastify's and V8's
 * messages quote the input (a URL, a JSON fragment), and no error may echo what the caller sent.
 */
const FASTIFY_ERRORS: Readonly<Record<string, { readonly code: ErrorCode; readonly status: number; readonly message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'CW_PAYLOAD_TOO_LARGE', status: 413, message: 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'CW_INVALID_REQUEST', status: 415, message: 'unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'CW_INVALID_REQUEST', status: 400, message: 'content length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'CW_INVALID_REQUEST', status: 400, message: 'empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'CW_INVALID_REQUEST', status: 400, message: 'body is not valid JSON' },
  FST_ERR_BAD_URL: { code: 'CW_INVALID_REQUEST', status: 400, message: 'malformed URL' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'CW_INVALID_REQUEST', status: 414, message: 'path parameter too long' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'CW_INVALID_REQUEST', status: 400, message: 'request rejected' },
};

type Reply = FastifyReply;

function sendFastifyError(reply: Reply, err: FastifyError): Reply | null {
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return reply.code(known.status).send(errorBody(known.code, `request failed: ${known.message}`));
  // The default JSON parser rejects with V8's SyntaxError, whose message quotes the body.
  if (err instanceof SyntaxError) return reply.code(400).send(errorBody('CW_INVALID_REQUEST', 'request failed: body is not valid JSON'));
  return null;
}

/**
 * Every error leaves as `{ error: { code, message, retriable, issues? } }` with the catalogue's HTTP
 * status and a message that never quotes the request. Unexpected errors are logged (message only)
 * and answered as a bare 500, without detail. Errors fastify raises before routing (a malformed
 * URL, an over-long path parameter) get the same shape through `frameworkErrors`.
 */
export function installErrorHandling(app: FastifyInstance, logger: Logger, options: { notFoundGuard?: onRequestHookHandler } = {}): void {
  app.setErrorHandler((err: FastifyError | ChainwatchError, request, reply) => {
    if (err instanceof ChainwatchError) {
      // A dependency failure: the cause is for the operator's log, never for the caller.
      if (err.status >= 500 && err.cause !== undefined) {
        logger.error({ url: request.routeOptions.url, code: err.code, err: err.cause instanceof Error ? err.cause.message : String(err.cause) }, 'request failed');
      }
      return reply.code(err.status).send(errorBody(err.code, err.message));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = err.validationContext ?? 'request';
      const schema = routeSchema(request, context);
      const raw: RawIssue[] = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').split('/').filter((p) => p.length > 0),
        message: v.message ?? 'invalid',
        code: v.keyword,
        ...(Array.isArray(v.params.keys) ? { keys: v.params.keys as string[] } : {}),
      }));
      return reply.code(400).send(errorBody('CW_INVALID_REQUEST', `${context} failed validation`, toIssues(raw, schema)));
    }
    if (isResponseSerializationError(err)) {
      logger.error({ url: request.routeOptions.url, issues: toIssues(err.cause.issues) }, 'response failed its schema');
      return reply.code(500).send(errorBody('CW_INTERNAL'));
    }
    const status = err.statusCode ?? 500;
    if (status === 429) return reply.code(429).send(errorBody('CW_RATE_LIMITED'));
    if (sendFastifyError(reply, err)) return reply;
    if (status === 404) return reply.code(404).send(errorBody('CW_NOT_FOUND'));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('CW_INVALID_REQUEST', `request failed: rejected with HTTP ${status}`));
    logger.error({ url: request.routeOptions.url, err: err.message }, 'request failed');
    return reply.code(500).send(errorBody('CW_INTERNAL'));
  });
  const notFound = (_request: unknown, reply: { code(status: number): { send(body: unknown): unknown } }) => reply.code(404).send(errorBody('CW_NOT_FOUND', 'no such route'));
  if (options.notFoundGuard) {
    // Same (request, reply, done) signature as a preHandler: the guard runs before the 404 is answered.
    app.setNotFoundHandler({ preHandler: options.notFoundGuard as unknown as preHandlerHookHandler }, notFound);
  } else {
    app.setNotFoundHandler(notFound);
  }
}

/** For fastify's `frameworkErrors` option: errors raised before routing, in the documented shape. */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: Reply): void {
  if (!sendFastifyError(reply, error)) void reply.code(400).send(errorBody('CW_INVALID_REQUEST', 'request failed: malformed request'));
}

/** The zod schema a route declared for a validation context (body, querystring, params, headers). */
function routeSchema(request: FastifyRequest, context: string): z.ZodType | undefined {
  const schema = request.routeOptions.schema as Record<string, unknown> | undefined;
  const found = schema?.[context];
  return found !== undefined && typeof found === 'object' && found !== null && '_zod' in found ? (found as z.ZodType) : undefined;
}
