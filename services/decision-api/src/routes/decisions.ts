import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DecisionRequest, DecisionResponse } from '@chainwatch/schemas';
import type { DecisionService } from '../decisions/decision-service';
import { compileDecisionRequestCheck } from '../decisions/request-validator';
import { ErrorBody } from '../http/error-body';

/**
 * The answer and the error bodies are built by our own code from typed values: plain
 * JSON.stringify. A serializer generated from the contract's JSON Schema (fast-json-stringify)
 * was measured: slightly faster per call, but it allocates 5,350 bytes for the bench's answer
 * against JSON.stringify's 1,683, and under load the allocation rate is what sets the GC pauses.
 */
const plainJson = (data: unknown): string => JSON.stringify(data);

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body text as received (decision routes only), for the decision log's input digest. */
    bodyText: string | null;
  }
}

export const decisionRoutes: FastifyPluginAsync<{ service: DecisionService }> = async (app, { service }) => {
  // Generated from the contract once, used on every request: the request validator (the zod
  // schema decides and words whatever it does not accept).
  const accepts = compileDecisionRequestCheck();
  const byContract = validatorCompiler({ schema: DecisionRequest, method: 'POST', url: '/v1/decisions', httpPart: 'body' });
  const validateRequest = (body: unknown) => (accepts(body) ? { value: body } : byContract(body));

  // Fastify's own JSON parser (same prototype-poisoning protection, same body limit), keeping the
  // text it parsed so the decision log can digest the input without serialising it again.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('bodyText', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.bodyText = text;
    parseJson(request, text, done);
  });

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/decisions',
    {
      schema: {
        summary: 'Decide whether a prospective agent action may run',
        description:
          'Runs the detectors\' assess() on the action against the live session view. Role: enforcer. ' +
          'A step_up carries an approval binding in obligations.approval; retry the same action with approval_binding once approved.',
        tags: ['decisions'],
        security: [{ bearer: [] }],
        body: DecisionRequest,
        response: { 200: DecisionResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 429: ErrorBody },
      },
      config: { roles: ['enforcer'] },
      validatorCompiler: () => validateRequest,
      serializerCompiler: () => plainJson,
    },
    async (request) => service.decide(request.body, request.caller?.sub ?? 'unknown', Date.now(), request.bodyText ?? undefined),
  );
};
