import { z } from 'zod';
import { DataClass, Decision, EpochMs, Id, LIMITS, Level, Name, Score, Text, boundedArray } from './common';
import { Reason } from './finding';

/**
 * Compact digest of one session's behaviour state: a readable summary for investigation, and
 * `state`, the detection core's serialised state, which the decision API restores to assess
 * prospective actions exactly as the processor would.
 */
export const SessionDigest = z
  .object({
    events: z.number().int().nonnegative().describe('Events processed in the session.'),
    first_ts: EpochMs.describe('Time of its first event.'),
    last_ts: EpochMs.describe('Time of its latest event.'),
    tools: boundedArray(Name, LIMITS.listItems).describe('Tools used so far.'),
    max_data_class: DataClass.nullable().describe('Highest data class read so far, or null.'),
    tainted: z.boolean().describe('Sensitive data has entered the session.'),
    destinations: boundedArray(Text(LIMITS.resource), LIMITS.listItems).describe('Destinations sent to so far.'),
    parent_session_id: Id.nullable().describe('The delegating session, or null.'),
    depth: z.number().int().nonnegative().describe('Depth in the delegation tree (0: not delegated).'),
    state: Text(65_536).describe('The detection core\'s serialised session state (opaque), restored by the decision API.'),
  })
  .strict()
  .describe('Compact digest of one session\'s behaviour state.');
export type SessionDigest = z.infer<typeof SessionDigest>;

/** Latest risk of one session. Published on chainwatch.risk-signals (compacted, key session_id). */
export const RiskSignal = z
  .object({
    schema_version: z.literal(1).describe('Version of this record: 1.'),
    session_id: Id.describe('The session (the compaction key).'),
    trace_id: Id.describe('Its trace.'),
    agent_id: Id.describe('The acting agent.'),
    agent_type: Name.describe('Its agent type.'),
    ts: EpochMs.describe('Time of the latest event reflected.'),
    seq: z.number().int().nonnegative().describe('Number of events of the session processed when this signal was computed (newer wins).'),
    score: Score.describe('Risk 0–100: noisy-OR of severity × confidence of active findings, decaying with time.'),
    level: Level.describe('low, medium, high or critical.'),
    decision: Decision.describe('The decision the score recommends: allow, step_up or deny.'),
    reasons: boundedArray(Reason, 16).describe('Top contributing findings, strongest first.'),
    policy_version: Name.describe('Version of catalog, rules and scoring that computed it.'),
    digest: SessionDigest,
  })
  .strict()
  .describe('Latest risk of one session (chainwatch.risk-signals, compacted by session_id).');
export type RiskSignal = z.infer<typeof RiskSignal>;
