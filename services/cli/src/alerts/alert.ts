import { LEVELS, type Level } from '@chainwatch/schemas';

/** What the terminal and the webhook are told about: a new finding, or a session changing level. */
export type Alert = FindingAlert | LevelAlert;

export interface FindingAlert {
  readonly kind: 'finding';
  readonly ts: number;
  readonly session_id: string;
  readonly trace_id: string;
  readonly agent_type: string;
  readonly level: Level;
  readonly rule_id: string;
  readonly detector: string;
  readonly message: string;
  readonly evidence_event_ids: readonly string[];
}

export interface LevelAlert {
  readonly kind: 'level';
  readonly ts: number;
  readonly session_id: string;
  readonly trace_id: string;
  readonly agent_type: string;
  /** Null: the first signal of the session seen above low. */
  readonly from: Level | null;
  readonly level: Level;
  readonly score: number;
  readonly decision: string;
  /** Rule id of the top reason, when there is one. */
  readonly rule_id: string | null;
}

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/**
 * Text that came from the watched agents (session ids, messages) on its way to a terminal or a
 * chat: control characters (ANSI escapes, carriage returns, newlines) removed, whitespace folded,
 * length bounded, so an event cannot rewrite the operator's screen or forge extra lines.
 */
export function printable(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
