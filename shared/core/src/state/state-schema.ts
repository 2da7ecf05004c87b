/**
 * Zod schemas of serialised state (checkpoints and the risk signal digest's `state`). State is
 * input like any other: a corrupted or foreign checkpoint is rejected with a reason instead of
 * poisoning the engine.
 */
import { z } from 'zod';
import { DETECTORS, SEVERITIES } from '@chainwatch/schemas';

const Str = z.string().max(4096);
const Num = z.number().finite();
const Int = z.number().int();
const strs = (max: number) => z.array(Str).max(max);
const pairs = (max: number) => z.array(z.tuple([Num, Num])).max(max);

const ActiveFindingJson = z.strictObject({
  rule: Str,
  ver: Int.nonnegative(),
  det: z.enum(DETECTORS),
  sev: z.enum(SEVERITIES),
  conf: z.number().min(0).max(1),
  ts: Num,
  ev: strs(16),
  msg: Str,
  role: z.enum(['authority', 'evidence', 'heuristic', 'context']).optional(),
  stk: z.boolean().optional(),
});

const ApprovalJson = z.strictObject({ id: Str, d: Str, rules: strs(64), exp: Num, used: z.boolean(), ran: z.boolean() });

const TaintJson = z.strictObject({ rank: Int.min(0).max(4), ts: Num, ev: strs(8), from: Str.nullable() });

const SessionJsonFields = z.strictObject({
  v: z.union([z.literal(1), z.literal(2)]),
  sid: Str,
  tid: Str,
  par: Str.nullable(),
  dep: Int.nonnegative(),
  aid: Str,
  aty: Str,
  spf: Str,
  prn: Str,
  prns: strs(16),
  tsk: Str,
  tsc: strs(64).nullable(),
  alt: strs(256).nullable(),
  ald: strs(256).nullable(),
  ceil: Int.min(-1).max(4),
  int: z.array(Num).max(256),
  n: Int.nonnegative(),
  t0: Num,
  t1: Num,
  tc: z.array(z.tuple([Str, Int])).max(256),
  rec: strs(32),
  tr: z.array(z.tuple([Str, Str, Int])).max(512),
  cm: Int.min(0).max(31),
  mx: Int.min(-1).max(4),
  tnt: TaintJson.nullable(),
  dst: pairs(128),
  res: pairs(128).default([]),
  dn: strs(32),
  xs: Int.nonnegative(),
  oe: pairs(1024),
  se: strs(32).nullable(),
  st: strs(32).nullable().optional(),
  tk: Int.min(0).max(15).optional(),
  sdl: pairs(16).optional(),
  sen: z.array(Num).max(16).optional(),
  smd: z.array(Num).max(32).optional(),
  ssh: z.array(z.string().max(512)).max(8).optional(),
  scu: strs(64),
  tok: strs(16),
  auth: strs(64).nullable(),
  ntl: z.array(Num).max(64),
  fnd: z.array(ActiveFindingJson).max(64),
  once: z.array(Num).max(128),
  sc: Num,
  seen: z.array(Num).max(64),
  seq: z.unknown(),
  /** Approvals (absent when none; older checkpoints have none). */
  apr: z.array(ApprovalJson).max(16).optional(),
});

/** Version 1 destination provenance codes (none, internal, intent, tool_output, unseen) in version 2 terms. */
const V1_PROV = [0, 1, 2, 7, 6] as const;

/**
 * A session as serialised; version 1 (before output trust and pointed sources were kept) is read
 * and upgraded: a v1 output entity was 'external' or not (web or system), and a v1
 * destination that came from tool output is taken as third-party (the conservative reading).
 */
export const SessionJsonSchema = SessionJsonFields.transform((j) => {
  if (j.v === 2) return { ...j, v: 2 as const };
  return {
    ...j,
    v: 2 as const,
    oe: j.oe.map(([h, p]): [number, number] => {
      const seq = Math.floor(p / 32);
      const external = Math.floor(p / 16) % 2 === 1;
      return [h, seq * 512 + (external ? 5 : 0) * 16 + (p % 16)];
    }),
    dst: j.dst.map(([h, v]): [number, number] => [h, Math.floor(v / 8) * 16 + (V1_PROV[v % 8] ?? 7)]),
  };
});

export const TraceCheckpointSchema = z.strictObject({
  v: z.literal(1),
  trace: Str,
  sessions: z.array(SessionJsonSchema).max(10_000),
  creds: z
    .array(
      z.tuple([
        Str,
        z.strictObject({ issuedAt: Num, expiresAt: Num, sessions: strs(16), tasks: strs(16), firstEvent: Str }),
      ]),
    )
    .max(10_000),
});

export const DigestStateSchema = z.strictObject({ v: z.literal(1), s: SessionJsonSchema });

export class StateFormatError extends Error {
  override readonly name = 'StateFormatError';
}

export function parseState<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateFormatError(`${what}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFormatError(`${what}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}
