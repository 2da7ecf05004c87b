/**
 * The rule file format (falco-style): a YAML sequence of items, each a `list`, a `macro` or a
 * `rule` (a condition rule or a sequence rule). Validated with zod; unknown keys are errors so a
 * misspelt option never silently does nothing.
 */
import { z } from 'zod';
import { LEVELS } from '@chainwatch/schemas';

/** lower_snake_case; `user_` prefix marks an operator override point. */
export const ItemName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case (a-z, 0-9, _), starting with a letter, at most 64 characters');

export const RuleId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and use only letters, digits, . _ - (at most 64 characters)');

/** OWASP Top 10 for Agentic Applications: ASI01 … ASI10. */
export const OWASP_AGENTIC_TAG = /^ASI(0[1-9]|10)$/;

const Condition = z.string().trim().min(1, 'must not be empty').max(8192);

/** A condition under which a rule does not fire (falco-style exception). */
export const RuleException = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case').optional(),
  condition: Condition,
});
export type RuleException = z.output<typeof RuleException>;


export const ListItem = z.strictObject({
  list: ItemName,
  items: z.array(z.string().min(1).max(512)).max(10_000),
  /** Append to a list defined earlier instead of defining it. */
  append: z.boolean().default(false),
  /** Replace a non-user list defined earlier. */
  override: z.boolean().default(false),
  description: z.string().max(1024).optional(),
});
export type ListItem = z.output<typeof ListItem>;

export const MacroItem = z.strictObject({
  macro: ItemName,
  condition: Condition,
  /** Replace a non-user macro defined earlier (user_* macros are always replaceable). */
  override: z.boolean().default(false),
  description: z.string().max(1024).optional(),
});
export type MacroItem = z.output<typeof MacroItem>;

const Step = z.union([Condition, z.strictObject({ name: z.string().min(1).max(64).optional(), condition: Condition })]);

export const SequenceSpec = z
  .strictObject({
    steps: z.array(Step).min(2, 'a sequence needs at least 2 steps').max(8, 'a sequence has at most 8 steps'),
    /** The final step must happen at most this many ms after the first. */
    within_ms: z.int().positive().max(7 * 24 * 3_600_000).optional(),
    /** All steps must fall within this many consecutive events of the session. */
    within_events: z.int().min(2).max(100_000).optional(),
    /** Partial matches kept per session for this rule; the oldest is dropped beyond it. */
    max_partials: z.int().min(1).max(64).default(4),
  })
  .refine((s) => s.within_ms !== undefined || s.within_events !== undefined, {
    message: 'a sequence needs a window: within_ms and/or within_events',
  })
  .refine((s) => s.within_events === undefined || s.within_events >= s.steps.length, {
    message: 'within_events must be at least the number of steps',
    path: ['within_events'],
  });
export type SequenceSpec = z.output<typeof SequenceSpec>;

export const RuleItem = z
  .strictObject({
    rule: RuleId,
    version: z.int().min(1),
    severity: z.enum(LEVELS),
    confidence: z.number().min(0).max(1).default(0.8),
    tags: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'tags are short words: letters, digits, . _ : -'))
      .min(1)
      .max(16)
      .refine((tags) => tags.some((t) => OWASP_AGENTIC_TAG.test(t)), {
        message: 'tags must include an OWASP Top 10 for Agentic Applications id (ASI01 … ASI10)',
      }),
    description: z.string().trim().min(1).max(2048),
    message: z.string().trim().min(1).max(1024),
    condition: Condition.optional(),
    sequence: SequenceSpec.optional(),
    enabled: z.boolean().default(true),
    maturity: z.enum(['stable', 'incubating', 'sandbox', 'deprecated']).default('stable'),
    /**
     * Place in the order of a decision: `evidence` (default) can step up or deny the action,
     * `heuristic` steps up at most, `authority` denies, `context` is reported only.
     */
    role: z.enum(['authority', 'evidence', 'heuristic', 'context']).default('evidence'),
    /** Exceptions: the rule does not fire when any of these conditions holds. */
    exceptions: z.array(RuleException).max(64).default([]),
    /** Replace a rule with the same id defined earlier. */
    override: z.boolean().default(false),
  })
  .refine((r) => (r.condition === undefined) !== (r.sequence === undefined), {
    message: 'a rule has exactly one of condition or sequence',
  });
export type RuleItem = z.output<typeof RuleItem>;

/**
 * `- rule: ID` with only tuning keys: adjusts a rule defined earlier, or one a detector raises
 * (registry/detector-rules.ts): switch it on or off, change its severity or confidence, add
 * exceptions (conditions under which it does not fire).
 */
export const RuleTuneItem = z
  .strictObject({
    rule: RuleId,
    enabled: z.boolean().optional(),
    severity: z.enum(LEVELS).optional(),
    confidence: z.number().min(0).max(1).optional(),
    exceptions: z.array(RuleException).min(1).max(64).optional(),
  })
  .refine((t) => t.enabled !== undefined || t.severity !== undefined || t.confidence !== undefined || t.exceptions !== undefined, {
    message: 'a rule tuning item needs enabled, severity, confidence or exceptions',
  });
export type RuleTuneItem = z.output<typeof RuleTuneItem>;
/** Older name of RuleTuneItem. */
export const RuleToggleItem = RuleTuneItem;
export type RuleToggleItem = RuleTuneItem;

const TUNE_KEYS = new Set(['rule', 'enabled', 'severity', 'confidence', 'exceptions']);

export type PolicyItem =
  | { readonly kind: 'list'; readonly def: ListItem }
  | { readonly kind: 'macro'; readonly def: MacroItem }
  | { readonly kind: 'rule'; readonly def: RuleItem }
  | { readonly kind: 'toggle'; readonly def: RuleTuneItem };

/** Which schema an item is validated against, from its discriminating key. */
export function classifyItem(raw: unknown): { kind: PolicyItem['kind']; name: string | undefined } | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'each item must be a mapping with a list, macro or rule key';
  const obj = raw as Record<string, unknown>;
  const keys = ['list', 'macro', 'rule'].filter((k) => Object.hasOwn(obj, k));
  if (keys.length !== 1) return `each item needs exactly one of the keys list, macro, rule (found: ${keys.length === 0 ? 'none' : keys.join(', ')})`;
  const key = keys[0] as 'list' | 'macro' | 'rule';
  const name = typeof obj[key] === 'string' ? (obj[key] as string) : undefined;
  if (key === 'rule') {
    const tune = Object.keys(obj).every((k) => TUNE_KEYS.has(k)) && !Object.hasOwn(obj, 'condition');
    return { kind: tune ? 'toggle' : 'rule', name };
  }
  return { kind: key, name };
}

export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length === 0 ? i.message : `${i.path.join('.')}: ${i.message}`));
}
