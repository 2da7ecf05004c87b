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

/** Sessions asked for at once by `POST /v1/sessions/risk`. */
export const MAX_RISK_QUERY_SESSIONS = 1000;

export const SessionRiskQuery = z
  .object({ session_ids: z.array(Id).min(1).max(MAX_RISK_QUERY_SESSIONS) })
  .strict()
  .meta({ description: `Up to ${MAX_RISK_QUERY_SESSIONS} session ids.` });

export const SessionRiskList = z
  .object({
    items: z.array(SessionRisk).meta({ description: 'The sessions the view holds a signal for, in the order asked.' }),
    missing: z.array(Id).meta({ description: 'Asked-for sessions the view holds no signal for (unknown, not processed yet, or evicted).' }),
  })
  .strict();

export const sessionRiskRoutes: FastifyPluginAsync<{ view: LiveView; staleMs: number }> = async (app, { view, staleMs }) => {
  const riskOf = (id: string, age: number | null): SessionRisk | null => {
    const signal = view.engine.signal(id);
    if (!signal) return null;
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
  };

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
      const risk = riskOf(request.params.id, view.ageMs(Date.now()));
      if (!risk) throw new ChainwatchError('CW_NOT_FOUND', 'no risk signal for this session');
      return risk;
    },
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sessions/risk',
    {
      schema: {
        summary: 'Latest risk of many sessions at once, from the live view',
        description:
          'Roles: enforcer or analyst. Answers every asked-for session in `items` or `missing`. `chainwatch simulate` uses it to report what was flagged.',
        tags: ['sessions'],
        security: [{ bearer: [] }],
        body: SessionRiskQuery,
        response: { 200: SessionRiskList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: ['enforcer', 'analyst'] },
    },
    async (request) => {
      const age = view.ageMs(Date.now());
      const items: SessionRisk[] = [];
      const missing: string[] = [];
      for (const id of new Set(request.body.session_ids)) {
        const risk = riskOf(id, age);
        if (risk) items.push(risk);
        else missing.push(id);
      }
      return { items, missing };
    },
  );
};
