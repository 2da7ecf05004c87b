/**
 * A tiny DetectionEngine for the processor's own unit tests (batching, DLQ, duplicates,
 * checkpoint keying, eviction): it counts events per session, raises one finding whenever the
 * tool is `bad.tool`, and checkpoints a trace as JSON. The scenario tests use the real engine.
 */
import type { AssessResult, DetectionEngine, ObserveResult } from '@chainwatch/core';
import type { AgentActionEvent, Finding, RiskSignal } from '@chainwatch/schemas';

interface SessionCounts {
  traceId: string;
  agentId: string;
  agentType: string;
  seen: string[];
  score: number;
  firstTs: number;
  lastTs: number;
}

export class CountingEngine implements DetectionEngine {
  readonly policyVersion = 'counting-1';
  readonly sessions = new Map<string, SessionCounts>();
  restoredTraces: string[] = [];

  constructor(private readonly idleMs = 60_000) {}

  observe(event: AgentActionEvent): ObserveResult {
    if (event.action.tool === 'engine.explode') throw new Error('boom');
    let s = this.sessions.get(event.session_id);
    if (!s) {
      s = { traceId: event.trace_id, agentId: event.agent.id, agentType: event.agent.type, seen: [], score: 0, firstTs: event.ts, lastTs: event.ts };
      this.sessions.set(event.session_id, s);
    }
    if (s.seen.includes(event.event_id)) return { duplicate: true, findings: [], signal: this.toSignal(event.session_id, s) };
    s.seen.push(event.event_id);
    s.lastTs = Math.max(s.lastTs, event.ts);
    const findings: Finding[] = [];
    if (event.action.tool === 'bad.tool') {
      s.score = Math.min(100, s.score + 30);
      findings.push({
        schema_version: 1,
        finding_id: `f-${event.event_id}`,
        ts: event.ts,
        session_id: event.session_id,
        trace_id: event.trace_id,
        agent_type: event.agent.type,
        detector: 'scope_drift',
        rule_id: 'test.bad_tool',
        rule_version: 1,
        severity: 'high',
        confidence: 1,
        message: 'bad tool',
        evidence_event_ids: [event.event_id],
        tags: [],
      });
    }
    return { duplicate: false, findings, signal: this.toSignal(event.session_id, s) };
  }

  assess(): AssessResult {
    throw new Error('not used by the processor');
  }

  signal(sessionId: string): RiskSignal | undefined {
    const s = this.sessions.get(sessionId);
    return s ? this.toSignal(sessionId, s) : undefined;
  }

  checkpoint(traceId: string): string | null {
    const entries = [...this.sessions].filter(([, s]) => s.traceId === traceId);
    return entries.length === 0 ? null : JSON.stringify({ traceId, sessions: entries });
  }

  restore(checkpoint: string): void {
    const parsed = JSON.parse(checkpoint) as { traceId: string; sessions: Array<[string, SessionCounts]> };
    for (const [id, s] of [...this.sessions]) if (s.traceId === parsed.traceId) this.sessions.delete(id);
    for (const [id, s] of parsed.sessions) this.sessions.set(id, s);
    this.restoredTraces.push(parsed.traceId);
  }

  loadSignal(): void {}
  recordApproval(): boolean {
    return false;
  }

  evictIdle(now: number): string[] {
    const touched = new Set<string>();
    for (const [id, s] of [...this.sessions]) {
      if (s.lastTs < now - this.idleMs) {
        this.sessions.delete(id);
        touched.add(s.traceId);
      }
    }
    const held = new Set([...this.sessions.values()].map((s) => s.traceId));
    return [...touched].filter((t) => !held.has(t));
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private toSignal(sessionId: string, s: SessionCounts): RiskSignal {
    return {
      schema_version: 1,
      session_id: sessionId,
      trace_id: s.traceId,
      agent_id: s.agentId,
      agent_type: s.agentType,
      ts: s.lastTs,
      seq: s.seen.length,
      score: s.score,
      level: s.score >= 60 ? 'high' : s.score >= 30 ? 'medium' : 'low',
      decision: s.score >= 60 ? 'deny' : s.score >= 30 ? 'step_up' : 'allow',
      reasons: [],
      policy_version: this.policyVersion,
      digest: {
        events: s.seen.length,
        first_ts: s.firstTs,
        last_ts: s.lastTs,
        tools: [],
        max_data_class: null,
        tainted: false,
        destinations: [],
        parent_session_id: null,
        depth: 0,
        state: '',
      },
    };
  }
}
