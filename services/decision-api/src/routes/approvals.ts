import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EpochMs, Id } from '@chainwatch/schemas';
import type { DecisionService } from '../decisions/decision-service';
import { ErrorBody } from '../http/error-body';

export const ApprovalBody = z
  .object({
    approve: z.boolean(),
    /** Free text for the approver's own records; never logged. */
    comment: z.string().max(1024).optional(),
  })
  .strict();

export const ApprovalResult = z
  .object({
    binding: Id,
    status: z.enum(['approved', 'rejected']),
    session_id: Id,
    action_digest: z.string(),
    expires_at: EpochMs,
    decision_id: Id,
  })
  .strict();

export const approvalRoutes: FastifyPluginAsync<{ service: DecisionService }> = async (app, { service }) => {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/approvals/:binding',
    {
      schema: {
        summary: 'Approve or reject exactly the action bound by a step-up',
        description:
          'Role: approver. Only a pending, unexpired binding can be answered, once. The answer is published on chainwatch.approvals ' +
          '(so the processors record it in the session state), logged to the decision log (kind approval or rejection), and ' +
          'counts only once published: 503 when the broker is unreachable (the binding stays pending; try again). ' +
          'Separation of duties: the subject that asked for the step-up cannot answer it (403 CW_APPROVAL_SELF) unless APPROVAL_ALLOW_SELF.',
        tags: ['approvals'],
        security: [{ bearer: [] }],
        params: z.object({ binding: Id }).strict(),
        body: ApprovalBody,
        response: { 200: ApprovalResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
      config: { roles: ['approver'] },
    },
    async (request) => service.answer(request.params.binding, request.body.approve, request.caller?.sub ?? 'unknown', Date.now()),
  );
};
