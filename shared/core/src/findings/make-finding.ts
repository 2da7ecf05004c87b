/**
 * Finding identity and construction. finding_id is deterministic (hash of session, rule and
 * evidence), so a replayed event after a crash produces the same id and consumers deduplicate.
 */
import type { Finding } from '@chainwatch/schemas';
import { hex64 } from '../state/hash';
import type { ActiveFinding } from '../state/session-state';

export function findingId(sessionId: string, ruleId: string, evidence: readonly string[]): string {
  return `f-${hex64(`${sessionId}\u0000${ruleId}\u0000${evidence.join('\u0000')}`)}`;
}

export function toFinding(
  f: ActiveFinding,
  id: string,
  tags: readonly string[],
  sessionId: string,
  traceId: string,
  agentType: string,
): Finding {
  return {
    schema_version: 1,
    finding_id: id,
    ts: f.ts,
    session_id: sessionId,
    trace_id: traceId,
    agent_type: agentType,
    detector: f.det,
    rule_id: f.rule,
    rule_version: f.ver,
    severity: f.sev,
    confidence: f.conf,
    message: f.msg.slice(0, 4096),
    evidence_event_ids: f.ev.slice(0, 16),
    tags: tags.slice(0, 16),
  };
}
