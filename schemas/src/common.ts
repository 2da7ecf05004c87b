import { z } from 'zod';

/** Limits shared by every schema. Oversize input is rejected, never truncated. */
export const LIMITS = {
  id: 256,
  name: 256,
  text: 4096,
  resource: 2048,
  listItems: 64,
  entities: 50,
  argsBytes: 16_384,
  /** Nesting of tool arguments: the top-level object is level 1. */
  argsDepth: 32,
} as const;

/**
 * Well-formed Unicode: no lone surrogate (\ud800 alone). ClickHouse refuses such a string in a
 * row, and a row refused for good used to stop the trace store: every contract string is checked.
 */
export const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
export const WELL_FORMED_MESSAGE = 'must be well-formed Unicode (no lone surrogates)';

/** A contract string of at most `max` UTF-16 units, well-formed. */
export const Text = (max: number) => z.string().max(max).refine(isWellFormed, WELL_FORMED_MESSAGE);

/** Printable text without control characters (newlines allowed only in free text). */
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

export const Id = Text(LIMITS.id).min(1).regex(NO_CONTROL, 'must not contain control characters');

export const Name = Text(LIMITS.name).min(1).regex(NO_CONTROL, 'must not contain control characters');

export const FreeText = Text(LIMITS.text);

export const boundedArray = <T extends z.ZodType>(item: T, max: number = LIMITS.listItems) => z.array(item).max(max);

/** Epoch milliseconds. Seconds (10 digits) are the most common mistake: reject them with a clear message. */
export const EpochMs = z
  .number()
  .int()
  .min(1_000_000_000_000, { message: 'must be epoch milliseconds (looks like seconds, or before 2001)' })
  .max(9_999_999_999_999, { message: 'must be epoch milliseconds (too large)' });

/** spiffe://trust-domain/path, per the SPIFFE ID spec: lowercase trust domain, non-empty path segments. */
export const SPIFFE_ID_PATTERN = /^spiffe:\/\/[a-z0-9._-]{1,255}(\/[A-Za-z0-9._-]+)+$/;
export const SpiffeId = z
  .string()
  .max(2048)
  .regex(SPIFFE_ID_PATTERN, 'must be a SPIFFE ID like spiffe://example.org/ns/x/sa/y');

export const DATA_CLASSES = ['public', 'internal', 'confidential', 'restricted', 'secret'] as const;
export const DataClass = z.enum(DATA_CLASSES);
export type DataClass = z.infer<typeof DataClass>;
/** Rank of a data class: public 0 … secret 4. */
export const dataClassRank = (c: DataClass): number => DATA_CLASSES.indexOf(c);

export const OPERATIONS = ['read', 'write', 'delete', 'send', 'execute', 'delegate'] as const;
export const Operation = z.enum(OPERATIONS);
export type Operation = z.infer<typeof Operation>;

export const ACTION_KINDS = ['tool_call', 'data_access', 'delegation', 'auth', 'message'] as const;
export const ActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ActionKind>;

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

export const SEVERITIES = LEVELS;
export const Severity = Level;
export type Severity = Level;

export const DECISIONS = ['allow', 'step_up', 'deny'] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

export const OUTCOMES = ['allowed', 'denied', 'error'] as const;
export const Outcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof Outcome>;

export const Score = z.number().min(0).max(100);
