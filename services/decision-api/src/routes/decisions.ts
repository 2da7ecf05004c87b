import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DecisionRequest, DecisionResponse } from '@chainwatch/schemas';
import type { DecisionService } from '../decisions/decision-service';
import { ErrorBody } from '../http/error-body';

/** The response is built by our own code from typed values: plain JSON.stringify on the hot path. */
const plainJson = () => (data: unknown) => JSON.stringify(data);

export const decisionRoutes: FastifyPluginAsync<{ service: DecisionService }> = async (app, { service }) => {
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
      serializerCompiler: plainJson,
    },
    async (request) => service.decide(request.body, request.caller?.sub ?? 'unknown', Date.now()),
  );
};
