/**
 * What the proxy does when the decision service cannot answer (unreachable, timed out, refused):
 * the configured fail mode, by sensitivity. A call is sensitive when, resolved as the detection core
 * resolves it (catalog, else the tool's name and arguments), it may send data out of the organisation,
 * touches confidential data or names an external destination; or when its MCP annotations do not say
 * it is read-only and closed-world. Never step_up: nobody could approve it.
 */
import { randomUUID } from 'node:crypto';
import { resolveAction, type ToolCatalog } from '@chainwatch/core';
import { dataClassRank, type Action, type DecisionResponse } from '@chainwatch/schemas';

const CONFIDENTIAL = dataClassRank('confidential');

export function isSensitiveCall(action: Action, catalog: ToolCatalog): boolean {
  const a = action.annotations;
  if (a !== undefined && (a.readOnlyHint !== true || a.openWorldHint === true)) return true;
  const resolved = resolveAction(action, catalog);
  return resolved.egress || resolved.destinationExternal || resolved.dataClassRank >= CONFIDENTIAL || resolved.operation !== 'read';
}

/** The proxy's own answer when the service could not give one: it cites why, for the tool error and the logs. */
export function failModeDecision(decision: 'allow' | 'deny', why: string, sensitive: boolean): DecisionResponse {
  const mode = decision === 'allow' ? 'fail_open' : 'fail_closed';
  return {
    decision_id: randomUUID(),
    decision,
    score: 0,
    level: 'low',
    reasons: [
      {
        rule_id: `proxy.unavailable.${mode}`,
        rule_version: 1,
        message: `${why}: ${sensitive ? 'sensitive' : 'non-sensitive'} call ${decision === 'allow' ? 'allowed (fail open)' : 'denied (fail closed)'}`,
        evidence_event_ids: [],
      },
    ],
    obligations: {},
    policy_version: 'mcp-proxy-fail-mode',
    view_age_ms: null,
    stale: mode,
    shadow: false,
  };
}
