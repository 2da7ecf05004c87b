import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Decision, EpochMs, Id, Level, Name, Reason, Score } from '@chainwatch/schemas';
import { ChainwatchError } from '@chainwatch/runtime';
import type { LiveView } from '../live-view/live-view';
import { ErrorBody } from '../http/error-body';

export const SessionRisk = z
  .object({
    session_id: Id,
    trace_id: Id,
    agent_id: Id,
    seq: z.number().int().nonnegative(),
    ts: EpochMs,
    score: Score,
    level: Level,
    decision: Decision,
    reasons: z.array(Reason),
    policy_version: Name,
    view_age_ms: z.number().int().nonnegative().nullable(),
    stale: z.boolean(),
  })
  .strict();
export type SessionRisk = z.infer<typeof SessionRisk>;

export const sessionRiskRoutes: FastifyPluginAsync<{ view: LiveView; staleMs: number }> = async (app, { view, staleMs }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/sessions/:id/risk',
    {
      schema: {
        summary: 'Latest risk of a session (score, level, reasons) from the live view',
        description: 'Roles: enforcer or analyst. 404 when the view holds no signal for the session.',
        tags: ['sessions'],
        security: [{ bearer: [] }],
        params: z.object({ id: Id }).strict(),
        response: { 200: SessionRisk, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      config: { roles: ['enforcer', 'analyst'] },
    },
    async (request) => {
      const signal = view.engine.signal(request.params.id);
      if (!signal) throw new ChainwatchError('CW_NOT_FOUND', 'no risk signal for this session');
      const age = view.ageMs(Date.now());
      return {
        session_id: signal.session_id,
        trace_id: signal.trace_id,
        agent_id: signal.agent_id,
        seq: signal.seq,
        ts: signal.ts,
        score: signal.score,
        level: signal.level,
        decision: signal.decision,
        reasons: signal.reasons,
        policy_version: signal.policy_version,
        view_age_ms: age === null ? null : Math.round(age),
        stale: age === null || age > staleMs,
      };
    },
  );
};
