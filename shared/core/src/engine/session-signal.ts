/**
 * A session's risk signal (chainwatch.risk-signals): its decayed score over every active finding,
 * level, recommended decision, top reasons, and a compact digest whose `state` is the serialised
 * session (what a decision-API replica adopts with loadSignal).
 */
import type { RiskSignal } from '@chainwatch/schemas';
import { DATA_CLASSES } from '@chainwatch/schemas';
import type { ScoringPolicy } from '../scoring/scoring-policy';
import { scoreFindings } from '../scoring/score';
import { pairsKeys } from '../state/flat-map';
import type { Interner } from '../state/interner';
import { type SessionJson, type SessionState, sessionToJson } from '../state/session-state';

export interface DigestState {
  v: 1;
  s: SessionJson;
}

/** SessionDigest.state is capped by the contract (64 KiB). */
const MAX_DIGEST_STATE = 60_000;

export function buildSignal(s: SessionState, names: Interner, policy: ScoringPolicy, policyVersion: string): RiskSignal {
  const now = s.lastTs || s.firstTs;
  const scored = scoreFindings([s.findings], now, policy);
  s.score = scored.score;
  const digestState: DigestState = { v: 1, s: sessionToJson(s, names) };
  let state = JSON.stringify(digestState);
  if (state.length > MAX_DIGEST_STATE) {
    // Oversized (hundreds of result entities): keep everything but the entity provenance.
    digestState.s = { ...digestState.s, oe: [], se: null, st: null };
    state = JSON.stringify(digestState);
  }
  return {
    schema_version: 1,
    session_id: s.sid,
    trace_id: s.tid,
    agent_id: s.agentId || s.sid,
    agent_type: names.name(s.agentType) || 'unknown',
    ts: now,
    seq: s.events,
    score: scored.score,
    level: scored.level,
    decision: scored.decision,
    reasons: scored.reasons,
    policy_version: policyVersion,
    digest: {
      events: s.events,
      first_ts: s.firstTs,
      last_ts: now,
      tools: pairsKeys(s.toolCounts).slice(0, 64).map((t) => names.name(t)),
      max_data_class: s.maxRank >= 0 ? (DATA_CLASSES[s.maxRank] ?? null) : null,
      tainted: s.taint !== null,
      destinations: s.destNames.slice(0, 64),
      parent_session_id: s.parent,
      depth: s.depth,
      state,
    },
  };
}
