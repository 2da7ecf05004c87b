/**
 * The risk policy: how findings turn into a score, a level and a recommended decision, and the
 * detectors' thresholds. Zod-validated; loadable from YAML (shared/core/policy/policy.yaml).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const Weight = z.number().min(0).max(1);
const Pct = z.number().min(0).max(100);

export const ScoringPolicy = z
  .object({
    version: z.union([z.string().min(1).max(64), z.number()]).transform(String),
    scoring: z
      .object({
        half_life_ms: z.number().int().positive().default(30 * 60_000),
        severity_weights: z
          .object({ low: Weight.default(0.15), medium: Weight.default(0.35), high: Weight.default(0.65), critical: Weight.default(0.92) })
          .strict()
          .default({ low: 0.15, medium: 0.35, high: 0.65, critical: 0.92 }),
        /** Minimum score of each level. */
        levels: z
          .object({ medium: Pct.default(25), high: Pct.default(50), critical: Pct.default(80) })
          .strict()
          .default({ medium: 25, high: 50, critical: 80 }),
        top_reasons: z.number().int().min(1).max(16).default(5),
      })
      .strict()
      .prefault({}),
    decisions: z
      .object({ step_up: Pct.default(50), deny: Pct.default(80) })
      .strict()
      .refine((d) => d.deny >= d.step_up, { message: 'deny threshold must be >= step_up threshold' })
      .prefault({}),
    detectors: z
      .object({
        warmup_events: z.number().int().nonnegative().default(10),
        growth_new_tools: z.number().int().positive().default(4),
        growth_window_events: z.number().int().positive().default(6),
        growth_new_resources: z.number().int().positive().default(5),
        burst_tools: z.number().int().positive().default(6),
        burst_window_ms: z.number().int().positive().default(5_000),
        markov_min_support: z.number().int().nonnegative().default(200),
        markov_surprise_nats: z.number().positive().default(6),
        profile_min_sessions: z.number().int().nonnegative().default(200),
        max_token_lifetime_ms: z.number().int().positive().default(60 * 60_000),
        clock_skew_ms: z.number().int().nonnegative().default(60_000),
        max_delegation_depth: z.number().int().positive().default(4),
        sensitive_rank: z.number().int().min(0).max(4).default(2),
        /**
         * Provenance, where no envelope is declared: how much of the evidence "the recipient came
         * from content written by others" remains when the task asked to deliver without naming
         * the recipient and pointed the agent at that content (a bill to pay, a message to answer),
         * and when it asked to deliver without naming the recipient at all.
         */
        pointed_recipient_weight: Weight.default(0.4),
        delegated_recipient_weight: Weight.default(0.8),
        /** Confidence that following a link from content the task pointed at (not the open web) is hostile. */
        pointed_link_confidence: Weight.default(0.45),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type ScoringPolicy = z.infer<typeof ScoringPolicy>;
export type DetectorSettings = ScoringPolicy['detectors'];

export const DEFAULT_SCORING_POLICY: ScoringPolicy = ScoringPolicy.parse({ version: 'default' });

export class ScoringPolicyError extends Error {
  override readonly name = 'ScoringPolicyError';
}

export function parseScoringPolicy(text: string, source = 'policy'): ScoringPolicy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ScoringPolicyError(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ScoringPolicy.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScoringPolicyError(`${source}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid policy'}`);
  }
  return parsed.data;
}

export function loadScoringPolicy(path: string): ScoringPolicy {
  return parseScoringPolicy(readFileSync(path, 'utf8'), path);
}
