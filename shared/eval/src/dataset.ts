/**
 * Dataset adapter: reads a labelled dataset folder (calls.ndjson, sessions.ndjson,
 * labels.ndjson; layout in /work/shared/datasets/README.md) and turns each session's calls into
 * AgentActionEvents as an enforcement point would see them. Labels are returned separately and
 * only for scoring; replay never reads them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentActionEvent, type DecisionRequest } from '@chainwatch/schemas';

const EntitiesRow = z.object({
  emails: z.array(z.string()).default([]),
  urls: z.array(z.string()).default([]),
  domains: z.array(z.string()).default([]),
  ibans: z.array(z.string()).default([]),
  phones: z.array(z.string()).default([]),
});

const CallRow = z.object({
  session_id: z.string(),
  seq: z.number().int(),
  ts: z.number().int(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()).nullable().default({}),
  result: z
    .object({ bytes: z.number().int().nullable().optional(), error: z.boolean().nullable().optional(), entities: EntitiesRow.nullable().optional() })
    .nullable()
    .optional(),
});
type CallRow = z.infer<typeof CallRow>;

const SessionRow = z.object({
  session_id: z.string(),
  agent_type: z.string().nullable().default('unknown'),
  suite: z.string().nullable().optional(),
  task: z.string().nullable().optional(),
  n_calls: z.number().int().optional(),
});
type SessionRow = z.infer<typeof SessionRow>;

export const LabelRow = z.object({
  session_id: z.string(),
  attack: z.boolean(),
  breached: z.boolean(),
  utility: z.boolean().nullable().optional(),
  truncated: z.boolean().nullable().optional(),
});
export type LabelRow = z.infer<typeof LabelRow>;

/** One call, ready to drive: the prospective request (no result) and the observed event (with it). */
export interface ReplayStep {
  readonly request: DecisionRequest;
  readonly event: AgentActionEvent;
}

export interface ReplaySession {
  readonly sessionId: string;
  readonly steps: readonly ReplayStep[];
}

function readNdjson<T>(path: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  const text = readFileSync(path, 'utf8');
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    const parsed = schema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`${path}:${line}: ${parsed.error.issues[0]?.message ?? 'invalid row'}`);
    out.push(parsed.data);
  }
  return out;
}

/** Deterministic UUID (v4 layout) from a string, so replays are reproducible. */
function uuidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16] ?? '0', 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'unknown';
}

const MAX_ARGS_BYTES = 16_000;

function boundedArgs(args: Record<string, unknown> | null): Record<string, unknown> {
  const a = args ?? {};
  if (JSON.stringify(a).length <= MAX_ARGS_BYTES) return a;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) out[k] = typeof v === 'string' ? v.slice(0, 2000) : v;
  return JSON.stringify(out).length <= MAX_ARGS_BYTES ? out : { _truncated: true };
}

function toSteps(s: SessionRow, calls: readonly CallRow[]): ReplayStep[] {
  const agentType = s.agent_type ?? 'unknown';
  const agent = {
    id: `agent-${slug(agentType)}`,
    type: agentType,
    spiffe_id: `spiffe://eval.chainwatch.local/agent/${slug(agentType)}`,
  };
  const principal = { sub: 'user', act: [] as { sub: string }[] };
  const task = { id: `task-${s.session_id}`, scopes: [] as string[], ...(s.task ? { intent: s.task.slice(0, 4096) } : {}) };
  const steps: ReplayStep[] = [];
  for (const c of calls) {
    const args = boundedArgs(c.args);
    const base = { kind: 'tool_call' as const, tool: c.tool.slice(0, 256), args };
    const request: DecisionRequest = {
      session_id: s.session_id,
      trace_id: s.session_id,
      parent_session_id: null,
      agent,
      principal,
      task,
      action: base,
      context: { source: 'eval' },
    };
    const r = c.result ?? null;
    const ent = r?.entities ?? null;
    const cap = (xs: string[]): string[] => xs.filter((x) => x.length > 0 && x.length <= 2048).slice(0, 50);
    const action = {
      ...base,
      ...(r?.bytes !== null && r?.bytes !== undefined ? { result_bytes: r.bytes } : {}),
      ...(r?.error !== null && r?.error !== undefined ? { result_error: r.error } : {}),
      ...(ent !== null
        ? { result_entities: { emails: cap(ent.emails), urls: cap(ent.urls), domains: cap(ent.domains), ibans: cap(ent.ibans), phones: cap(ent.phones) } }
        : {}),
    };
    const event = AgentActionEvent.parse({
      schema_version: 1,
      event_id: uuidFrom(`${s.session_id}/${c.seq}`),
      ts: c.ts,
      session_id: s.session_id,
      trace_id: s.session_id,
      parent_session_id: null,
      agent,
      principal,
      task,
      action,
      context: { source: 'eval' },
      outcome: r?.error === true ? 'error' : 'allowed',
    });
    steps.push({ request, event });
  }
  return steps;
}

export interface Dataset {
  readonly name: string;
  readonly sessions: readonly ReplaySession[];
}

/** Replay input only: calls and sessions. */
export function loadDataset(dir: string): Dataset {
  const sessions = readNdjson(join(dir, 'sessions.ndjson'), SessionRow);
  const calls = readNdjson(join(dir, 'calls.ndjson'), CallRow);
  const bySession = new Map<string, CallRow[]>();
  for (const c of calls) {
    let list = bySession.get(c.session_id);
    if (list === undefined) bySession.set(c.session_id, (list = []));
    list.push(c);
  }
  return {
    name: dir.replace(/\/+$/, '').split('/').pop() ?? dir,
    sessions: sessions.map((s) => ({
      sessionId: s.session_id,
      steps: toSteps(s, (bySession.get(s.session_id) ?? []).sort((a, b) => a.seq - b.seq)),
    })),
  };
}

/** Labels, for scoring only. */
export function loadLabels(dir: string): Map<string, LabelRow> {
  return new Map(readNdjson(join(dir, 'labels.ndjson'), LabelRow).map((l) => [l.session_id, l]));
}
