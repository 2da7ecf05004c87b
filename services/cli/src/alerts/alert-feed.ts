/**
 * Turns the processor's outputs into alerts: every finding once (per session and rule: a detector
 * that fires on every event of a session is one line, not fifty), and every change of a session's
 * level once it has been above low. Bounded: the sessions it remembers are capped (oldest
 * forgotten first), so a long run does not grow without limit.
 */
import { Finding, RiskSignal, TOPICS } from '@chainwatch/schemas';
import type { LocalLog, LogRecord, Subscription } from '@chainwatch/kafka';
import type { Alert } from './alert';

export interface AlertFeedOptions {
  /** Sessions remembered for de-duplication and level tracking (default 100,000). */
  readonly maxSessions?: number;
}

interface SessionMemory {
  level: Alert['level'] | null;
  readonly rules: Set<string>;
}

export class AlertFeed {
  private readonly sessions = new Map<string, SessionMemory>();
  private readonly maxSessions: number;

  constructor(
    private readonly emit: (alert: Alert) => void,
    options: AlertFeedOptions = {},
  ) {
    this.maxSessions = options.maxSessions ?? 100_000;
  }

  /** Follows the findings and risk-signal topics of the in-process log from now on. */
  /** Live alerts: only records published from now on (fromBeginning false), never a replay of older ones. */
  attach(log: LocalLog, topics = { findings: TOPICS.findings, riskSignals: TOPICS.riskSignals }): Subscription | Promise<Subscription> {
    return log.subscribe([topics.findings, topics.riskSignals], async (records) => {
      for (const record of records) {
        if (record.topic === topics.findings) this.onRecord(record, 'finding');
        // The processor publishes a chunk's signals just before its findings (same tick): tell a
        // level change on the next turn of the event loop, after the findings that caused it.
        else setImmediate(() => this.onRecord(record, 'signal'));
      }
    }, { fromBeginning: false });
  }

  onRecord(record: Pick<LogRecord, 'value'>, kind: 'finding' | 'signal'): void {
    let json: unknown;
    try {
      json = JSON.parse(record.value.toString('utf8'));
    } catch {
      return;
    }
    if (kind === 'finding') {
      const f = Finding.safeParse(json);
      if (f.success) this.onFinding(f.data);
    } else {
      const s = RiskSignal.safeParse(json);
      if (s.success) this.onSignal(s.data);
    }
  }

  onFinding(f: Finding): void {
    const memory = this.remember(f.session_id);
    if (memory.rules.has(f.rule_id)) return;
    memory.rules.add(f.rule_id);
    this.emit({
      kind: 'finding',
      ts: f.ts,
      session_id: f.session_id,
      trace_id: f.trace_id,
      agent_type: f.agent_type,
      level: f.severity,
      rule_id: f.rule_id,
      detector: f.detector,
      message: f.message,
      evidence_event_ids: f.evidence_event_ids,
    });
  }

  onSignal(s: RiskSignal): void {
    const memory = this.remember(s.session_id);
    const before = memory.level;
    memory.level = s.level;
    // A session at low from its first signal on is not news; any change after that is.
    if (before === s.level || (before === null && s.level === 'low')) return;
    this.emit({
      kind: 'level',
      ts: s.ts,
      session_id: s.session_id,
      trace_id: s.trace_id,
      agent_type: s.agent_type,
      from: before,
      level: s.level,
      score: s.score,
      decision: s.decision,
      rule_id: s.reasons[0]?.rule_id ?? null,
    });
  }

  private remember(sessionId: string): SessionMemory {
    let memory = this.sessions.get(sessionId);
    if (memory) {
      // Most recently used last: the map's first key is the one to forget.
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, memory);
      return memory;
    }
    memory = { level: null, rules: new Set() };
    this.sessions.set(sessionId, memory);
    if (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return memory;
  }
}
