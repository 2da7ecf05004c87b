/** Builds a decision API for tests: development keys, an in-process view, a MemoryLog publisher. */
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import type { DetectionEngine } from '@chainwatch/core';
import { DecisionRecord, type DecisionRequest } from '@chainwatch/schemas';
import { InProcessView, buildDecisionApi, createDevAuth, type DecisionApi, type DecisionApiOptions, type DevAuth, type LiveView } from '@chainwatch/decision-api';

export interface Harness {
  readonly api: DecisionApi;
  readonly auth: DevAuth;
  readonly log: MemoryLog;
  readonly view: LiveView;
  /** Token with every role. */
  readonly token: string;
  close(): Promise<void>;
  /** Decision-log records published so far (after flushing the log). */
  decisionRecords(): Promise<DecisionRecord[]>;
}

export async function buildHarness(engine: DetectionEngine, options: DecisionApiOptions = {}, view?: LiveView): Promise<Harness> {
  const auth = await createDevAuth();
  const log = new MemoryLog();
  const liveView = view ?? freshView(engine);
  const api = await buildDecisionApi({
    view: liveView,
    publisher: log,
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    options,
    logger: createLogger({ name: 'decision-api-test', level: process.env.LOG_LEVEL ?? 'silent' }),
  });
  return {
    api,
    auth,
    log,
    view: liveView,
    token: auth.token,
    close: () => api.app.close(),
    async decisionRecords() {
      await api.decisionLog.flush();
      return log.records('chainwatch.decisions').map((r) => DecisionRecord.parse(JSON.parse(r.value.toString('utf8'))));
    },
  };
}

/** An in-process view that is always current (the processor is idle). */
export function freshView(engine: DetectionEngine): InProcessView {
  return new InProcessView(engine, { caughtUp: () => true });
}

export function decisionRequest(sessionId: string, action: DecisionRequest['action'], extra: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    session_id: sessionId,
    trace_id: `trace-${sessionId}`,
    agent: { id: 'agent-1', type: 'support-bot', spiffe_id: 'spiffe://example.org/ns/support/sa/bot' },
    principal: { sub: 'user-42', act: [] },
    task: { id: 'task-1', intent: 'answer the customer ticket', scopes: ['crm:read', 'email:send'] },
    action,
    ...extra,
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
