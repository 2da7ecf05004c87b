/** Finding drafts become findings held in state (and published), with the acting event as evidence. */
import type { Finding } from '@chainwatch/schemas';
import type { FindingDraft } from '../detectors/detector';
import { findingId, toFinding } from '../findings/make-finding';
import type { ActiveFinding } from '../state/session-state';

const MAX_EVIDENCE = 16;

function mergeEvidence(a: readonly string[], extra: string): string[] {
  if (extra === '' || a.includes(extra)) return a.slice(0, MAX_EVIDENCE);
  return a.length >= MAX_EVIDENCE ? a.slice(0, MAX_EVIDENCE - 1).concat(extra) : a.concat(extra);
}

export function draftToActive(d: FindingDraft, eventId: string, ts: number): ActiveFinding {
  return {
    rule: d.rule,
    ver: d.version,
    det: d.detector,
    sev: d.severity,
    conf: Math.max(0, Math.min(1, d.confidence)),
    ts,
    ev: mergeEvidence(d.evidence, eventId),
    // Held in state for explanations: store a flat copy, not the template's rope of pieces.
    msg: ` ${d.message}`.slice(1),
    role: d.role,
    ...(d.sticky ? { stk: true } : {}),
  };
}

/**
 * A prospective action's finding (request path): judged and published, never held in state, so
 * neither the evidence list (no event id to add) nor the message is copied. Same fields and
 * values as draftToActive(d, '', ts); a test holds the two together.
 */
export function prospectiveFinding(d: FindingDraft, ts: number): ActiveFinding {
  return {
    rule: d.rule,
    ver: d.version,
    det: d.detector,
    sev: d.severity,
    conf: Math.max(0, Math.min(1, d.confidence)),
    ts,
    ev: d.evidence.length <= MAX_EVIDENCE ? d.evidence : d.evidence.slice(0, MAX_EVIDENCE),
    msg: d.message,
    role: d.role,
    stk: d.sticky ? true : undefined,
  };
}

export function publishFinding(f: ActiveFinding, d: FindingDraft, sid: string, tid: string, agentType: string): Finding {
  return toFinding(f, findingId(sid, f.rule, f.ev), d.tags, sid, tid, agentType);
}
