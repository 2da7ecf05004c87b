import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LiveView } from '../live-view/live-view';
import type { DecisionApiMetrics } from '../metrics';
import type { ErrorCode } from '@chainwatch/runtime';
import { ErrorBody, errorBody } from '../http/error-body';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready'), view_age_ms: z.number().int().nonnegative().nullable(), policy_version: z.string() });

/** A further condition of readiness (the all-in-one mode: the trace writer makes progress). */
export interface ReadinessCheck {
  /** null while fine; otherwise why the service is not ready (a code of the catalogue and a short reason). */
  check(): { readonly code: ErrorCode; readonly reason: string } | null;
}

/** Liveness, readiness (the live view caught up, and every extra check passes), Prometheus metrics. No token needed. */
export const healthRoutes: FastifyPluginAsync<{ view: LiveView; metrics: DecisionApiMetrics; checks?: readonly ReadinessCheck[] }> = async (
  app,
  { view, metrics, checks = [] },
) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Health } }, config: { public: true, rateLimit: false } },
    async () => ({ status: 'ok' as const }),
  );
  typed.get(
    '/readyz',
    {
      schema: { summary: 'Ready once the live view caught up with the risk-signal stream', tags: ['operations'], response: { 200: Ready, 503: ErrorBody } },
      config: { public: true, rateLimit: false },
    },
    async (_request, reply) => {
      if (!view.ready()) return reply.code(503).send(errorBody('CW_VIEW_NOT_READY'));
      for (const c of checks) {
        const failed = c.check();
        if (failed) return reply.code(503).send(errorBody(failed.code, failed.reason));
      }
      const age = view.ageMs(Date.now());
      return { status: 'ready' as const, view_age_ms: age === null ? null : Math.round(age), policy_version: view.engine.policyVersion };
    },
  );
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'] }, config: { public: true, rateLimit: false } },
    async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};
