/**
 * Credential hygiene: long-lived or expired tokens, one token used by several sessions or tasks,
 * and a workload whose SPIFFE ID differs from the one the session started with.
 */
import type { SessionState } from '../state/session-state';
import { ASI, type ActionView, type DetectorContext, type DetectorModule, type FindingDraft } from './detector';

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const p = ctx.policy;
  const cred = a.credential;
  if (cred !== undefined) {
    const lifetime = cred.expires_at - cred.issued_at;
    if (lifetime > p.max_token_lifetime_ms) {
      out.push({
        rule: 'credential_hygiene.long_lived_token', version: 1, detector: 'credential_hygiene', severity: 'medium', confidence: 0.8,
        message: `token ${cred.token_id} lives ${Math.round(lifetime / 60_000)} min, above ${Math.round(p.max_token_lifetime_ms / 60_000)} min`,
        evidence: [], tags: [ASI.privilegeAbuse], once: `long:${cred.token_id}`,
      });
    }
    if (a.ts > cred.expires_at + p.clock_skew_ms) {
      out.push({
        rule: 'credential_hygiene.expired_token', version: 1, detector: 'credential_hygiene', severity: 'high', confidence: 0.9,
        message: `token ${cred.token_id} used ${Math.round((a.ts - cred.expires_at) / 1000)} s after it expired`,
        evidence: [], tags: [ASI.privilegeAbuse], once: `expired:${cred.token_id}`,
      });
    } else if (a.ts < cred.issued_at - p.clock_skew_ms) {
      out.push({
        rule: 'credential_hygiene.token_not_yet_valid', version: 1, detector: 'credential_hygiene', severity: 'medium', confidence: 0.7,
        message: `token ${cred.token_id} used before its issue time`,
        evidence: [], tags: [ASI.privilegeAbuse], once: `nyv:${cred.token_id}`,
      });
    }
    const use = ctx.credentials.get(cred.token_id);
    if (use !== undefined) {
      const others = use.sessions.filter((x) => x !== a.sessionId);
      const otherTasks = a.task !== undefined ? use.tasks.filter((x) => x !== a.task?.id) : [];
      if (others.length > 0 && !s.tokens.includes(cred.token_id)) {
        out.push({
          rule: 'credential_hygiene.token_reuse', version: 1, detector: 'credential_hygiene',
          severity: otherTasks.length > 0 ? 'high' : 'medium', confidence: 0.8,
          message: `token ${cred.token_id} was already used by session ${others[0]}${otherTasks.length > 0 ? ` for task ${otherTasks[0]}` : ''}`,
          evidence: [use.firstEvent], tags: [ASI.privilegeAbuse], once: `reuse:${cred.token_id}`,
        });
      }
    }
  }
  if (s.events > 0 && s.spiffe !== '' && a.spiffeId !== '' && a.spiffeId !== s.spiffe) {
    out.push({
      rule: 'credential_hygiene.spiffe_mismatch', version: 1, detector: 'credential_hygiene', severity: 'high', confidence: 0.9,
      message: `workload ${a.spiffeId} acts in a session started by ${s.spiffe}`,
      evidence: [], tags: [ASI.privilegeAbuse, ASI.rogueAgent], once: `spiffe:${a.spiffeId}`,
    });
  }
  return out;
}

export const credentialHygiene: DetectorModule = { name: 'credential_hygiene', observe: inspect, assess: inspect };
