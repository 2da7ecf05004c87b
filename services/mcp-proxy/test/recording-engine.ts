/** A real detection engine that also keeps what it was asked and told (own collaborator, for assertions). */
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine } from '@chainwatch/core';
import type { AgentActionEvent, DecisionRequest } from '@chainwatch/schemas';

export interface RecordingEngine {
  readonly engine: DetectionEngine;
  readonly requests: DecisionRequest[];
  readonly events: AgentActionEvent[];
}

export function recordingEngine(): RecordingEngine {
  const shipped = loadDefaultPolicy();
  const real = createDetectionEngine({ catalog: shipped.catalog, policy: shipped.policy, rules: shipped.rules });
  const requests: DecisionRequest[] = [];
  const events: AgentActionEvent[] = [];
  const engine: DetectionEngine = {
    get policyVersion() {
      return real.policyVersion;
    },
    get sessionCount() {
      return real.sessionCount;
    },
    observe: (e) => {
      events.push(e);
      return real.observe(e);
    },
    assess: (r, now) => {
      requests.push(r);
      return real.assess(r, now);
    },
    signal: (id) => real.signal(id),
    checkpoint: (t) => real.checkpoint(t),
    restore: (c) => real.restore(c),
    loadSignal: (s) => real.loadSignal(s),
    recordApproval: (a) => real.recordApproval(a),
    evictIdle: (now) => real.evictIdle(now),
  };
  return { engine, requests, events };
}
