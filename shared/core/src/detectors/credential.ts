/**
 * Credential hygiene, on the stream and at request time alike: long-lived, expired or not yet
 * valid tokens, one token used by several sessions or tasks, and a workload whose SPIFFE ID
 * differs from the one the session started with.
 */
import type { SessionState } from '../state/session-state';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const p = ctx.policy;
  const cred = a.credential;
  if (cred !== undefined) {
    const lifetime = cred.expires_at - cred.issued_at;
    if (lifetime > p.max_token_lifetime_ms) {
      out.push(
        draft('credential_hygiene.long_lived_token', {
          confidence: 0.9,
          message: `token ${cred.token_id} lives ${Math.round(lifetime / 60_000)} min, above ${Math.round(p.max_token_lifetime_ms / 60_000)} min`,
          once: `long:${cred.token_id}`,
        }),
      );
    }
    if (a.ts > cred.expires_at + p.clock_skew_ms) {
      out.push(
        draft('credential_hygiene.expired_token', {
          confidence: 0.95,
          message: `token ${cred.token_id} used ${Math.round((a.ts - cred.expires_at) / 1000)} s after it expired`,
          once: `expired:${cred.token_id}`,
        }),
      );
    } else if (a.ts < cred.issued_at - p.clock_skew_ms) {
      out.push(draft('credential_hygiene.token_not_yet_valid', { confidence: 0.8, message: `token ${cred.token_id} used before its issue time`, once: `nyv:${cred.token_id}` }));
    }
    const use = ctx.credentials.reuse(cred.token_id, a.sessionId, a.task?.id);
    if (use !== null && !s.tokens.includes(cred.token_id)) {
      out.push(
        draft('credential_hygiene.token_reuse', {
          confidence: use.task !== undefined ? 0.9 : 0.8,
          message: `token ${cred.token_id} was already used by session ${use.session}${use.task !== undefined ? ` for task ${use.task}` : ''}`,
          evidence: use.firstEvent !== '' ? [use.firstEvent] : [],
          once: `reuse:${cred.token_id}`,
        }),
      );
    }
  }
  if (s.events > 0 && s.spiffe !== '' && a.spiffeId !== '' && a.spiffeId !== s.spiffe) {
    out.push(draft('credential_hygiene.spiffe_mismatch', { confidence: 0.95, message: `workload ${a.spiffeId} acts in a session started by ${s.spiffe}`, once: `spiffe:${a.spiffeId}` }));
  }
  return out;
}

export const credential = detector('credential_hygiene', inspect);
