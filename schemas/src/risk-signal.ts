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
    events: z.number().int().nonnegative(),
    first_ts: EpochMs,
    last_ts: EpochMs,
    tools: boundedArray(Name, LIMITS.listItems),
    max_data_class: DataClass.nullable(),
    tainted: z.boolean(),
    destinations: boundedArray(Text(LIMITS.resource), LIMITS.listItems),
    parent_session_id: Id.nullable(),
    depth: z.number().int().nonnegative(),
    state: Text(65_536),
  })
  .strict();
export type SessionDigest = z.infer<typeof SessionDigest>;

/** Latest risk of one session. Published on chainwatch.risk-signals (compacted, key session_id). */
export const RiskSignal = z
  .object({
    schema_version: z.literal(1),
    session_id: Id,
    trace_id: Id,
    agent_id: Id,
    agent_type: Name,
    ts: EpochMs,
    /** Number of events of the session processed when this signal was computed. */
    seq: z.number().int().nonnegative(),
    score: Score,
    level: Level,
    decision: Decision,
    reasons: boundedArray(Reason, 16),
    policy_version: Name,
    digest: SessionDigest,
  })
  .strict();
export type RiskSignal = z.infer<typeof RiskSignal>;
