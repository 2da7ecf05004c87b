/**
 * The answer and the decision-log record, written by serializers generated from the contract,
 * read back exactly as JSON.stringify would have written them, for every shape they take.
 */
import { describe, expect, it } from 'vitest';
import { DecisionRecord, DecisionResponse } from '@chainwatch/schemas';
import { compileSerializer } from '../src/http/schema-serializer';

const REASON = { rule_id: 'scope_drift.tool_not_allowed', rule_version: 1, message: 'tool "send_email" is outside\nthe task\'s tools \u2028 😀 \\ </script>', evidence_event_ids: ['e-1', 'e-2'] };

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

const RECORDS: DecisionRecord[] = [
  {
    schema_version: 1,
    kind: 'decision',
    decision_id: 'd-1',
    ts: 1_800_000_000_000,
    session_id: 's-1',
    trace_id: null,
    agent_id: 'a-1',
    tool: 'send_email',
    policy_version: 'p-1',
    input_digest: 'sha256:abc',
    decision: 'deny',
    enforced: 'deny',
    score: 98,
    level: 'critical',
    reasons: [REASON],
    shadow: false,
    stale: null,
    view_age_ms: 0,
    approval_binding: null,
    caller: 'enforcer-1',
  },
  {
    schema_version: 1,
    kind: 'approval',
    decision_id: 'd-2',
    ts: 1_800_000_000_001,
    session_id: 's-1',
    trace_id: 't-1',
    agent_id: null,
    tool: null,
    policy_version: 'p-1',
    input_digest: 'sha256:def',
    decision: 'allow',
    enforced: 'allow',
    score: 10,
    level: 'low',
    reasons: [],
    shadow: true,
    stale: 'fail_open',
    view_age_ms: null,
    approval_binding: 'b-1',
    caller: 'approver-1',
  },
];

describe('serializers generated from the contract', () => {
  it('write the decision answer as JSON.stringify does', () => {
    const serialize = compileSerializer(DecisionResponse);
    for (const r of RESPONSES) {
      expect(DecisionResponse.parse(r)).toEqual(r);
      expect(JSON.parse(serialize(r))).toEqual(JSON.parse(JSON.stringify(r)));
    }
  });

  it('write the decision-log record as JSON.stringify does', () => {
    const serialize = compileSerializer(DecisionRecord);
    for (const r of RECORDS) {
      expect(DecisionRecord.parse(r)).toEqual(r);
      expect(JSON.parse(serialize(r))).toEqual(JSON.parse(JSON.stringify(r)));
    }
  });
});
