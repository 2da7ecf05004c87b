/**
 * Event-level evaluation: an NDJSON file of AgentActionEvents (a whole deployment's traffic, several
 * agents and delegation trees interleaved) replayed in time order through one engine, each event's
 * action assessed as a prospective request *before* the event is observed, as an enforcement point
 * would ask. Labels (NDJSON `{session_id, positive, kind, harmful_event_id?}`) are read only after
 * the replay, for scoring. A session counts as flagged when any of its actions got step_up or deny;
 * when the label names the harmful event, only a flag at or before that event counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ChainwatchError } from '@chainwatch/runtime';
import { AgentActionEvent, type DecisionRequest } from '@chainwatch/schemas';
import type { DetectionEngine } from '@chainwatch/core';

export const EventLabel = z
  .object({
    session_id: z.string().min(1),
    positive: z.boolean(),
    kind: z.string().min(1).max(128),
    /** The action that does the harm: a flag counts only at or before it. */
    harmful_event_id: z.string().min(1).optional(),
  })
  .strict();
export type EventLabel = z.infer<typeof EventLabel>;

/** What happened to one session in a replay (the `--sessions` NDJSON line). */
export interface SessionOutcome {
  readonly session_id: string;
  readonly flagged: boolean;
  /** Index (0-based, within the session) of the first action answered step_up or deny, or null. */
  readonly first_flagged_index: number | null;
  readonly first_flagged_decision: 'step_up' | 'deny' | null;
  /** Rule ids cited by every flagging answer of the session, in order of first appearance. */
  readonly rule_ids: readonly string[];
  readonly actions: number;
}

export interface RateCount {
  readonly n: number;
  readonly flagged: number;
  readonly rate: number;
}

export interface EventsEvalResult {
  readonly positive: RateCount;
  readonly benign: RateCount;
  readonly kinds: Readonly<Record<string, RateCount & { readonly positive: boolean }>>;
  /** Labelled sessions with no event in the file (counted as not flagged). */
  readonly missing: number;
  /** Events in the file. */
  readonly events: number;
}

export function rateOf(n: number, flagged: number): RateCount {
  return { n, flagged, rate: n === 0 ? 0 : Math.round((flagged / n) * 10_000) / 10_000 };
}

/** The prospective request an enforcement point sends before the action: the event without its result. */
export function requestFromEvent(e: AgentActionEvent): DecisionRequest {
  const { result_entities: _e, result_bytes: _b, result_error: _x, ...action } = e.action;
  return {
    session_id: e.session_id,
    trace_id: e.trace_id,
    parent_session_id: e.parent_session_id,
    agent: e.agent,
    principal: e.principal,
    task: e.task,
    action,
    ...(e.credential !== undefined ? { credential: e.credential } : {}),
    ...(e.context !== undefined ? { context: e.context } : {}),
  };
}

/** A line of an input file that is not JSON or fails its schema (CW_INVALID_INPUT): `file:line: why`. */
export class NdjsonError extends ChainwatchError {
  constructor(detail: string) {
    super('CW_INVALID_INPUT', detail);
    this.name = 'NdjsonError';
  }
}

/** Parses an NDJSON file line by line with a schema; the first bad line stops it with file:line and the reason. */
export function readNdjsonFile<T>(path: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NdjsonError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new NdjsonError(`${path}:${line}: not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NdjsonError(`${path}:${line}: ${issue ? `${issue.path.join('.') || '(line)'}: ${issue.message}` : 'invalid'}`);
    }
    out.push(parsed.data);
  }
  return out;
}

/**
 * Replays events (stable-sorted by ts) through the engine: assess, then observe, each event.
 * Returns what happened per session; never reads labels.
 */
export function replayEvents(engine: DetectionEngine, events: readonly AgentActionEvent[]): Map<string, SessionOutcome> {
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  const out = new Map<string, { flagged: boolean; idx: number | null; decision: 'step_up' | 'deny' | null; rules: string[]; n: number }>();
  for (const { e } of order) {
    let s = out.get(e.session_id);
    if (s === undefined) out.set(e.session_id, (s = { flagged: false, idx: null, decision: null, rules: [], n: 0 }));
    const res = engine.assess(requestFromEvent(e), e.ts);
    if (res.decision !== 'allow') {
      if (!s.flagged) {
        s.flagged = true;
        s.idx = s.n;
        s.decision = res.decision;
      }
      for (const r of res.reasons) if (!s.rules.includes(r.rule_id)) s.rules.push(r.rule_id);
    }
    s.n++;
    engine.observe(e);
  }
  const result = new Map<string, SessionOutcome>();
  for (const [sid, s] of out) {
    result.set(sid, { session_id: sid, flagged: s.flagged, first_flagged_index: s.idx, first_flagged_decision: s.decision, rule_ids: s.rules, actions: s.n });
  }
  return result;
}

/** Scores replay outcomes against labels. */
export function scoreEvents(outcomes: ReadonlyMap<string, SessionOutcome>, labels: readonly EventLabel[], events: readonly AgentActionEvent[]): EventsEvalResult {
  const idsBySession = new Map<string, string[]>();
  for (const { e } of events.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i)) {
    let l = idsBySession.get(e.session_id);
    if (l === undefined) idsBySession.set(e.session_id, (l = []));
    l.push(e.event_id);
  }
  const pos = [0, 0];
  const ben = [0, 0];
  const kinds = new Map<string, { n: number; f: number; positive: boolean }>();
  let missing = 0;
  for (const l of labels) {
    const o = outcomes.get(l.session_id);
    if (o === undefined) missing++;
    let hit = o?.flagged === true;
    if (hit && l.harmful_event_id !== undefined && o !== undefined) {
      const at = idsBySession.get(l.session_id)?.indexOf(l.harmful_event_id) ?? -1;
      // A harmful event missing from the file cannot be judged "before": only a flag counts then.
      if (at >= 0) hit = (o.first_flagged_index ?? Number.POSITIVE_INFINITY) <= at;
    }
    const g = l.positive ? pos : ben;
    g[0]!++;
    if (hit) g[1]!++;
    const k = kinds.get(l.kind) ?? { n: 0, f: 0, positive: l.positive };
    k.n++;
    if (hit) k.f++;
    kinds.set(l.kind, k);
  }
  const kindRates: Record<string, RateCount & { positive: boolean }> = {};
  for (const [k, v] of [...kinds].sort((a, b) => a[0].localeCompare(b[0]))) kindRates[k] = { ...rateOf(v.n, v.f), positive: v.positive };
  return { positive: rateOf(pos[0]!, pos[1]!), benign: rateOf(ben[0]!, ben[1]!), kinds: kindRates, missing, events: events.length };
}

export function loadEvents(path: string): AgentActionEvent[] {
  return readNdjsonFile(path, AgentActionEvent);
}

export function loadEventLabels(path: string): EventLabel[] {
  return readNdjsonFile(path, EventLabel);
}

export interface RunEventsEvalOptions {
  readonly events: string;
  readonly labels: string;
  readonly engine: DetectionEngine;
  readonly json?: string;
  readonly sessions?: string;
  readonly log: (line: string) => void;
}

const pct = (r: RateCount): string => `${(r.rate * 100).toFixed(1)}% (${r.flagged}/${r.n})`;

/** `chainwatch eval --events FILE --labels FILE`: replay, score, print, and write the JSON and per-session files. */
export function runEventsEval(o: RunEventsEvalOptions): EventsEvalResult {
  const t0 = performance.now();
  const events = loadEvents(o.events);
  const outcomes = replayEvents(o.engine, events);
  const labels = loadEventLabels(o.labels);
  const r = scoreEvents(outcomes, labels, events);
  o.log(`events ${o.events}: ${events.length} events, ${outcomes.size} sessions, ${labels.length} labelled, ${Math.round(performance.now() - t0)} ms`);
  o.log(`  positive sessions flagged:  ${pct(r.positive)}`);
  o.log(`  benign sessions flagged:    ${pct(r.benign)}`);
  if (r.missing > 0) o.log(`  labelled sessions with no event in the file: ${r.missing} (counted as not flagged)`);
  const width = Math.max(4, ...Object.keys(r.kinds).map((k) => k.length));
  for (const [k, v] of Object.entries(r.kinds)) o.log(`  ${v.positive ? '+' : '-'} ${k.padEnd(width)}  ${pct(v)}`);
  if (o.sessions !== undefined) writeFileSync(o.sessions, [...outcomes.values()].map((x) => JSON.stringify(x)).join('\n') + (outcomes.size > 0 ? '\n' : ''));
  if (o.json !== undefined) writeFileSync(o.json, `${JSON.stringify({ positive: r.positive, benign: r.benign, kinds: r.kinds }, null, 2)}\n`);
  return r;
}
