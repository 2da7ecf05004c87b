import type { ApprovalEvent } from '@chainwatch/schemas';
import type { ApprovalRecord } from '../engine-api';

/**
 * The engine's record of a published binding state (chainwatch.approvals), or null while the
 * binding is pending (not an approval yet). `used`: the decision API has let the action through
 * (its own event still passes once, see SessionApproval).
 */
export function approvalFromEvent(e: ApprovalEvent): ApprovalRecord | null {
  if (e.state === 'pending') return null;
  return {
    id: e.binding,
    sessionId: e.session_id,
    actionDigest: e.action_digest,
    approved: e.state !== 'rejected',
    ruleIds: e.rule_ids,
    ts: e.ts,
    expiresAt: e.expires_at,
    used: e.state === 'used',
  };
}
