import type { z } from 'zod';
import type { ErrorIssue } from './error-body';

/** A zod issue as both zod and fastify-type-provider-zod hand it over (path, message, code, keys). */
export interface RawIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  /** unrecognized_keys: the unknown keys. */
  readonly keys?: readonly string[];
}

const MAX_ISSUES = 50;
const MAX_SEGMENT = 64;
const MAX_KEY_SHOWN = 32;
const MAX_KEYS_SHOWN = 5;
const MAX_MESSAGE = 300;

/**
 * Caller-facing issues: path, message and code, never the offending input. Path segments (which
 * may be keys the caller chose) are cut to 64 characters; an unknown key is shown cut to 32
 * characters, with the keys valid at that place (from `schema`, when given).
 */
export function toIssues(issues: readonly RawIssue[], schema?: z.ZodType): ErrorIssue[] {
  return issues.slice(0, MAX_ISSUES).map((i) => ({
    path: i.path.map((p) => cut(String(p), MAX_SEGMENT)).join('.'),
    message: i.code === 'unrecognized_keys' ? unknownKeysMessage(i.keys ?? [], schema ? validKeysAt(schema, i.path) : null) : cut(i.message, MAX_MESSAGE),
    ...(i.code ? { code: i.code } : {}),
  }));
}

function unknownKeysMessage(keys: readonly string[], valid: readonly string[] | null): string {
  const shown = keys.slice(0, MAX_KEYS_SHOWN).map((k) => JSON.stringify(cut(k, MAX_KEY_SHOWN)));
  const more = keys.length > MAX_KEYS_SHOWN ? ` and ${keys.length - MAX_KEYS_SHOWN} more` : '';
  const head = `unknown key${keys.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
  return valid === null ? head : `${head}; valid keys: ${valid.join(', ')}`;
}

/** `s` cut to `max` UTF-16 units, marked with an ellipsis when cut. */
function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** The parts of zod's internal definition this walk reads. */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Optional, nullable, default, readonly and pipe wrappers removed (iteratively). */
function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(cur);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (next === undefined) return cur;
    cur = next;
  }
  return cur;
}

/** The keys of the object schema at `path` inside `schema`, or null when there is none. */
export function validKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  let cur = unwrap(schema);
  for (const segment of path) {
    const def = defOf(cur);
    let next: z.ZodType | undefined;
    if (def.type === 'object') next = def.shape?.[String(segment)];
    else if (def.type === 'array') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    if (next === undefined) return null;
    cur = unwrap(next);
  }
  const def = defOf(cur);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : null;
}
