/**
 * The decision answer, written by a serializer generated from the contract, reads back exactly
 * as JSON.stringify would have written it, for every shape it takes.
 */
import { describe, expect, it } from 'vitest';
import { DecisionResponse } from '@chainwatch/schemas';
import { compileSerializer } from '../src/http/schema-serializer';

const REASON = { rule_id: 'scope_drift.tool_not_allowed', rule_version: 1, detector: 'scope_drift' as const, severity: 'high' as const, contribution: 61.7, message: 'tool "send_email" is outside\nthe task\'s tools \u2028 😀 \\ </script>', evidence_event_ids: ['e-1', 'e-2'] };

const RESPONSES: DecisionResponse[] = [
  { decision_id: 'd-1', decision: 'deny', score: 98, level: 'critical', reasons: [REASON, { ...REASON, evidence_event_ids: [] }], obligations: {}, policy_version: 'p-1', view_age_ms: 0, stale: null, shadow: false },
  {
    decision_id: 'd-2',
    decision: 'step_up',
    score: 55.5,
    level: 'medium',
    reasons: [REASON],
    obligations: { approval: { binding: 'b-1', action_digest: 'sha256:abc', evidence_event_ids: ['e-1'], expires_at: 1_800_000_000_000 } },
    policy_version: 'p-1',
    view_age_ms: null,
    stale: 'fail_closed',
    shadow: false,
  },
  { decision_id: 'd-3', decision: 'allow', score: 0, level: 'low', reasons: [], obligations: {}, policy_version: 'p-1', view_age_ms: 12, stale: 'fail_open', shadow: true, would_be: 'deny' },
];

describe('the serializer generated from the contract', () => {
  it('writes the decision answer as JSON.stringify does, reasons with every optional field too', () => {
    const serialize = compileSerializer(DecisionResponse);
    for (const r of RESPONSES) {
      expect(DecisionResponse.parse(r)).toEqual(r);
      expect(JSON.parse(serialize(r))).toEqual(JSON.parse(JSON.stringify(r)));
    }
  });
});
