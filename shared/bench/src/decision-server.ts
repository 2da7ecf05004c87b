/**
 * The Chainwatch target of `bench decisions`, in a process of its own (pinned to the server core):
 * the real decision API as `chainwatch decision-api` builds it (JWT verification against a JWKS,
 * per-subject rate limit, validation, the shipped policy and full rule set, the session view, the
 * decision log, Prometheus metrics with the process metrics), on a warmed session, the view always
 * current (in-process), the decision log published to an in-memory log that keeps nothing. No
 * store is configured.
 * Prints `READY {"url","token"}` once listening.
 */
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { InProcessView, buildDecisionApi, catalogSensitivity, createDevAuth } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { warmSession } from './decision-targets/scenario';

const { catalog, policy, rules } = loadDefaultPolicy();
const engine = createDetectionEngine({ catalog, policy, rules });
warmSession(engine);
const auth = await createDevAuth();
const api = await buildDecisionApi({
  view: new InProcessView(engine, { caughtUp: () => true }),
  // The decision log is published as to Kafka: each record serialised and handed over, nothing kept
  // once accepted (retain 0). An in-memory log that keeps the last thousand records, as the
  // earlier bench did, promotes every record to the old generation and measures that log's
  // retention, not the decision path: a full mark-compact a second instead of one in 30 s.
  publisher: new MemoryLog({ retain: 0 }),
  auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
  options: { rateLimitMax: 1_000_000_000, isSensitive: catalogSensitivity(catalog), defaultMetrics: true },
  logger: createLogger({ name: 'bench-decision-api', level: 'warn' }),
});
const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${JSON.stringify({ url, token: auth.token })}\n`);
const stop = (): void => {
  void api.app.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
