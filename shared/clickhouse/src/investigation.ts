import { z } from 'zod';
import type { ClickHouseClient } from '@clickhouse/client';
import { ChainwatchError } from '@chainwatch/runtime';
import { DATABASE_NAME_PATTERN } from './clickhouse-config';
import type { FindingRow } from './rows';

/** Bounds every investigation query obeys. */
export const INVESTIGATION_LIMITS = {
  defaultRangeMs: 24 * 3600_000,
  maxRangeMs: 31 * 24 * 3600_000,
  maxRows: 1000,
  defaultRows: 100,
  maxTraceSessions: 1000,
} as const;

export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

export type TimelineItem =
  | {
      kind: 'action';
      ts: number;
      id: string;
      agent_id: string;
      agent_type: string;
      action_kind: string;
      tool: string;
      operation: string;
      resource: string;
      data_class: string;
      destination: string;
      outcome: string;
      args_digest: string;
    }
  | {
      kind: 'finding';
      ts: number;
      id: string;
      detector: string;
      rule_id: string;
      severity: string;
      confidence: number;
      message: string;
      evidence_event_ids: string[];
    }
  | {
      kind: 'decision';
      ts: number;
      id: string;
      decision: string;
      enforced: string;
      score: number;
      level: string;
      tool: string | null;
      shadow: boolean;
    };

export interface Timeline {
  session_id: string;
  from: number;
  to: number;
  items: TimelineItem[];
  /** More items exist in the range than `limit`. */
  truncated: boolean;
}

/** Grafana Node Graph frame shapes (nodes: id/title/subTitle/mainStat/secondaryStat/detail__*). */
export interface TraceGraphNode {
  id: string;
  title: string;
  subTitle: string;
  mainStat: number | null;
  secondaryStat: string;
  detail__agent_id: string;
  detail__events: number;
  detail__first_ts: number;
  detail__last_ts: number;
  detail__parent_session_id: string;
}

export interface TraceGraphEdge {
  id: string;
  source: string;
  target: string;
}

export interface TraceGraph {
  trace_id: string;
  nodes: TraceGraphNode[];
  edges: TraceGraphEdge[];
}

export interface FindingsQuery extends TimeRange {
  readonly rule?: string;
  readonly level?: string;
  readonly agent_type?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** A finding as the investigation API returns it: the stored row, ts in epoch milliseconds. */
export type FindingItem = FindingRow;

export interface FindingsPage {
  items: FindingItem[];
  /** Pass as `cursor` for the next (older) page; null when this is the last page. */
  next_cursor: string | null;
}

const Cursor = z.object({ ts: z.number().int().nonnegative(), id: z.string().min(1).max(256) }).strict();

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Queries select `ts_ms` (an alias named `ts` would shadow the column in WHERE); callers see `ts`. */
function withTs(row: Record<string, unknown>): Record<string, unknown> {
  const { ts_ms, ...rest } = row;
  return { ...rest, ts: num(ts_ms) };
}

/**
 * Read side of the trace store for investigators. Every value reaches ClickHouse as a bound
 * parameter (`{name:Type}` + query_params); only the validated database identifier is
 * interpolated. Every query is bounded in time (default last 24 h, at most 31 days) and rows.
 */
export class InvestigationStore {
  private readonly db: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!DATABASE_NAME_PATTERN.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
    this.db = `\`${database}\``;
  }

  async timeline(sessionId: string, options: TimeRange & { limit?: number } = {}): Promise<Timeline> {
    const { from, to } = this.range(options);
    const limit = rowLimit(options.limit);
    const params = { session: sessionId, from, to, limit: limit + 1 };
    const where = `session_id = {session:String}
      AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
    const [actions, findings, decisions] = await Promise.all([
      this.rows(
        `SELECT 'action' AS kind, toUnixTimestamp64Milli(ts) AS ts_ms, toString(event_id) AS id, agent_id, agent_type,
           action_kind, tool, operation, resource, data_class, destination, outcome, args_digest
         FROM ${this.db}.agent_actions WHERE ${where} ORDER BY ts, id LIMIT {limit:UInt32}`,
        params,
      ),
      this.rows(
        `SELECT 'finding' AS kind, toUnixTimestamp64Milli(ts) AS ts_ms, finding_id AS id, detector, rule_id, severity,
           confidence, message, evidence_event_ids
         FROM ${this.db}.findings WHERE ${where} ORDER BY ts, id LIMIT {limit:UInt32}`,
        params,
      ),
      this.rows(
        `SELECT 'decision' AS kind, toUnixTimestamp64Milli(ts) AS ts_ms, decision_id AS id, decision, enforced, score,
           level, tool, shadow
         FROM ${this.db}.decisions WHERE ${where} ORDER BY ts, id LIMIT {limit:UInt32}`,
        params,
      ),
    ]);
    const items: TimelineItem[] = [
      ...actions.map((r) => withTs({ ...r, kind: 'action' }) as TimelineItem),
      ...findings.map((r) => withTs({ ...r, kind: 'finding', confidence: num(r.confidence) }) as TimelineItem),
      ...decisions.map((r) => withTs({ ...r, kind: 'decision', score: num(r.score), shadow: num(r.shadow) === 1 }) as TimelineItem),
    ];
    const order = { action: 0, finding: 1, decision: 2 } as const;
    items.sort((a, b) => a.ts - b.ts || order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { session_id: sessionId, from, to, items: items.slice(0, limit), truncated: items.length > limit };
  }

  /** The delegation tree of a trace: one node per session with its latest risk, one edge per delegation. */
  async traceGraph(traceId: string, options: TimeRange = {}): Promise<TraceGraph> {
    const { from, to } = this.range(options);
    const params = { trace: traceId, from, to, limit: INVESTIGATION_LIMITS.maxTraceSessions };
    const inRange = `trace_id = {trace:String}
      AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
    const [sessions, risks, delegations] = await Promise.all([
      this.rows(
        `SELECT session_id, any(agent_id) AS agent_id, any(agent_type) AS agent_type,
           ifNull(any(parent_session_id), '') AS parent_session_id, count() AS events,
           toUnixTimestamp64Milli(min(ts)) AS first_ts, toUnixTimestamp64Milli(max(ts)) AS last_ts
         FROM ${this.db}.agent_actions WHERE ${inRange}
         GROUP BY session_id ORDER BY first_ts, session_id LIMIT {limit:UInt32}`,
        params,
      ),
      this.rows(
        `SELECT session_id, argMax(score, (ts, seq)) AS score, argMax(level, (ts, seq)) AS level,
           any(agent_id) AS agent_id, any(agent_type) AS agent_type,
           ifNull(argMax(parent_session_id, (ts, seq)), '') AS parent_session_id
         FROM ${this.db}.risk_signals WHERE ${inRange}
         GROUP BY session_id ORDER BY session_id LIMIT {limit:UInt32}`,
        params,
      ),
      this.rows(
        `SELECT DISTINCT session_id AS source, target_session_id AS target
         FROM ${this.db}.agent_actions WHERE ${inRange} AND target_session_id != ''
         ORDER BY source, target LIMIT {limit:UInt32}`,
        params,
      ),
    ]);

    const risk = new Map(risks.map((r) => [String(r.session_id), r]));
    const nodes = new Map<string, TraceGraphNode>();
    for (const s of sessions) {
      const id = String(s.session_id);
      const r = risk.get(id);
      nodes.set(id, {
        id,
        title: String(s.agent_type),
        subTitle: String(s.agent_id),
        mainStat: r ? Math.round(num(r.score) * 10) / 10 : null,
        secondaryStat: r ? String(r.level) : 'unknown',
        detail__agent_id: String(s.agent_id),
        detail__events: num(s.events),
        detail__first_ts: num(s.first_ts),
        detail__last_ts: num(s.last_ts),
        detail__parent_session_id: String(s.parent_session_id),
      });
    }
    for (const [id, r] of risk) {
      if (nodes.has(id)) continue;
      nodes.set(id, {
        id,
        title: String(r.agent_type),
        subTitle: String(r.agent_id),
        mainStat: Math.round(num(r.score) * 10) / 10,
        secondaryStat: String(r.level),
        detail__agent_id: String(r.agent_id),
        detail__events: 0,
        detail__first_ts: 0,
        detail__last_ts: 0,
        detail__parent_session_id: String(r.parent_session_id),
      });
    }

    const edges = new Map<string, TraceGraphEdge>();
    const addEdge = (source: string, target: string): void => {
      if (!source || !target || source === target) return;
      const id = `${source}->${target}`;
      if (!edges.has(id)) edges.set(id, { id, source, target });
    };
    for (const n of nodes.values()) addEdge(n.detail__parent_session_id, n.id);
    for (const d of delegations) addEdge(String(d.source), String(d.target));
    // Grafana drops edges whose ends are not nodes: add placeholder nodes for sessions we only know by reference.
    for (const e of edges.values()) {
      for (const id of [e.source, e.target]) {
        if (!nodes.has(id)) {
          nodes.set(id, {
            id,
            title: 'unknown',
            subTitle: '',
            mainStat: null,
            secondaryStat: 'unknown',
            detail__agent_id: '',
            detail__events: 0,
            detail__first_ts: 0,
            detail__last_ts: 0,
            detail__parent_session_id: '',
          });
        }
      }
    }
    return { trace_id: traceId, nodes: [...nodes.values()], edges: [...edges.values()] };
  }

  /** Findings newest first, filtered, with keyset pagination on (ts, finding_id). */
  async findings(query: FindingsQuery): Promise<FindingsPage> {
    const { from, to } = this.range(query);
    const limit = rowLimit(query.limit);
    const conditions = [
      `ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
      `ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
    ];
    const params: Record<string, string | number> = { from, to, limit: limit + 1 };
    if (query.rule !== undefined) {
      conditions.push('rule_id = {rule:String}');
      params.rule = query.rule;
    }
    if (query.level !== undefined) {
      conditions.push('severity = {level:String}');
      params.level = query.level;
    }
    if (query.agent_type !== undefined) {
      conditions.push('agent_type = {agent_type:String}');
      params.agent_type = query.agent_type;
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor);
      conditions.push(`(ts, finding_id) < (fromUnixTimestamp64Milli({cursor_ts:Int64}, 'UTC'), {cursor_id:String})`);
      params.cursor_ts = c.ts;
      params.cursor_id = c.id;
    }
    const rows = await this.rows(
      `SELECT finding_id, toUnixTimestamp64Milli(ts) AS ts_ms, session_id, trace_id, agent_type, detector, rule_id,
         rule_version, severity, confidence, message, evidence_event_ids, tags
       FROM ${this.db}.findings WHERE ${conditions.join(' AND ')}
       ORDER BY ts DESC, finding_id DESC LIMIT {limit:UInt32}`,
      params,
    );
    const items: FindingItem[] = rows.slice(0, limit).map((r) => ({
      finding_id: String(r.finding_id),
      ts: num(r.ts_ms),
      session_id: String(r.session_id),
      trace_id: String(r.trace_id),
      agent_type: String(r.agent_type),
      detector: String(r.detector),
      rule_id: String(r.rule_id),
      rule_version: num(r.rule_version),
      severity: String(r.severity),
      confidence: num(r.confidence),
      message: String(r.message),
      evidence_event_ids: r.evidence_event_ids as string[],
      tags: r.tags as string[],
    }));
    const last = items[items.length - 1];
    return { items, next_cursor: rows.length > limit && last ? encodeCursor({ ts: last.ts, id: last.finding_id }) : null };
  }

  private range(options: TimeRange): { from: number; to: number } {
    const to = options.to ?? this.now();
    const from = options.from ?? to - INVESTIGATION_LIMITS.defaultRangeMs;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) {
      throw new ChainwatchError('CW_INVALID_REQUEST', 'from and to must be epoch milliseconds');
    }
    if (from > to) throw new ChainwatchError('CW_INVALID_REQUEST', 'from must not be after to');
    if (to - from > INVESTIGATION_LIMITS.maxRangeMs) {
      throw new ChainwatchError('CW_INVALID_REQUEST', 'time range must not exceed 31 days');
    }
    return { from, to };
  }

  private async rows(query: string, params: Record<string, string | number>): Promise<Record<string, unknown>[]> {
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  }
}

function rowLimit(limit: number | undefined): number {
  if (limit === undefined) return INVESTIGATION_LIMITS.defaultRows;
  if (!Number.isInteger(limit) || limit < 1 || limit > INVESTIGATION_LIMITS.maxRows) {
    throw new ChainwatchError('CW_INVALID_REQUEST', `limit must be an integer from 1 to ${INVESTIGATION_LIMITS.maxRows}`);
  }
  return limit;
}

export function encodeCursor(c: { ts: number; id: string }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(cursor: string): { ts: number; id: string } {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ChainwatchError('CW_INVALID_REQUEST', 'cursor is not one this API issued');
  }
}
