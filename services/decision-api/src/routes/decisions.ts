import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DecisionRequest, DecisionResponse } from '@chainwatch/schemas';
import type { DecisionService } from '../decisions/decision-service';
import { compileDecisionRequestCheck } from '../decisions/request-validator';
import { ErrorBody } from '../http/error-body';
import { compileSerializer } from '../http/schema-serializer';

/** The answer's serializer, generated from the contract once per process. */
let serializeDecision: ((response: DecisionResponse) => string) | null = null;

/** Error bodies are built by our own code from typed values: plain JSON.stringify. */
const plainJson = (data: unknown): string => JSON.stringify(data);

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body text as received (decision routes only), for the decision log's input digest. */
    bodyText: string | null;
  }
}

export const decisionRoutes: FastifyPluginAsync<{ service: DecisionService }> = async (app, { service }) => {
  // Generated from the contract once, used on every request: the request validator (the zod
  // schema decides and words whatever it does not accept) and the answer's serializer.
  const accepts = compileDecisionRequestCheck();
  const byContract = validatorCompiler({ schema: DecisionRequest, method: 'POST', url: '/v1/decisions', httpPart: 'body' });
  const validateRequest = (body: unknown) => (accepts(body) ? { value: body } : byContract(body));
  serializeDecision ??= compileSerializer(DecisionResponse);
  const serialize200 = serializeDecision as (data: unknown) => string;

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
      serializerCompiler: ({ httpStatus }) => (httpStatus === '200' ? serialize200 : plainJson),
    },
    async (request) => service.decide(request.body, request.caller?.sub ?? 'unknown', Date.now(), request.bodyText ?? undefined),
  );
};
