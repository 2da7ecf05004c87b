import type { FastifyError, FastifyInstance, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ChainwatchError, type ErrorCode, type Logger } from '@chainwatch/runtime';
import { errorBody, toIssues, type ErrorIssue } from './error-body';

/** Fastify's own error codes, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CW_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CW_INVALID_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CW_INVALID_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CW_INVALID_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CW_INVALID_REQUEST',
  FST_ERR_VALIDATION: 'CW_INVALID_REQUEST',
};

/**
 * Every error leaves as `{ error: { code, message, retriable, issues? } }` with the catalogue's HTTP
 * status. Unexpected errors are logged (message only) and answered as a bare 500, without detail.
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
      const issues: ErrorIssue[] = err.validation.slice(0, 50).map((v) => ({
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        message: v.message ?? 'invalid',
        code: v.keyword,
      }));
      return reply.code(400).send(errorBody('CW_INVALID_REQUEST', `${err.validationContext ?? 'request'} failed validation`, issues));
    }
    if (isResponseSerializationError(err)) {
      logger.error({ url: request.routeOptions.url, issues: toIssues(err.cause.issues) }, 'response failed its schema');
      return reply.code(500).send(errorBody('CW_INTERNAL'));
    }
    const status = err.statusCode ?? 500;
    if (status === 429) return reply.code(429).send(errorBody('CW_RATE_LIMITED'));
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return reply.code(status === 415 ? 415 : mapped === 'CW_PAYLOAD_TOO_LARGE' ? 413 : 400).send(errorBody(mapped, err.message));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody(status === 404 ? 'CW_NOT_FOUND' : 'CW_INVALID_REQUEST', err.message));
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
