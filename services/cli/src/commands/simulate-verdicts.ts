/**
 * The end of `chainwatch simulate`: what was injected against what Chainwatch flagged, per
 * scenario. The simulator knows the ground truth of every trace it generated (never sent with the
 * events); the server is asked for the latest risk of every session sent (POST /v1/sessions/risk),
 * once it has processed every event of them (a signal's `seq` counts its session's events).
 */
import { z } from 'zod';
import type { GeneratedTrace } from '@chainwatch/simulator';
import { LEVELS, type AgentActionEvent, type Level } from '@chainwatch/schemas';
import { pollUntil } from '@chainwatch/runtime';

/** A trace counts as flagged when one of its sessions is at this level or above. */
const FLAG_LEVEL: Level = 'medium';
const MAX_TRACKED_TRACES = 50_000;
const CHUNK = 1000;

interface TrackedTrace {
  readonly scenario: string;
  readonly kind: 'benign' | 'attack';
  readonly traceId: string;
  readonly sessions: readonly string[];
}

interface ScenarioVerdict {
  readonly scenario: string;
  readonly kind: 'benign' | 'attack';
  readonly injected: number;
  readonly flagged: number;
  /** Traces whose sessions the server had not processed completely when asked. */
  readonly pending: number;
  /** A few trace ids that were not flagged (attacks) or were (benign), to look up. */
  readonly examples: readonly string[];
}

export interface Verdicts {
  readonly scenarios: readonly ScenarioVerdict[];
  /** Traces generated but never sent completely (stopped early) are left out. */
  readonly untracked: number;
}

/** Ground truth of what was sent: traces by scenario, events sent per session. */
export class InjectionLedger {
  private readonly traces: TrackedTrace[] = [];
  private readonly sent = new Map<string, number>();
  private readonly expected = new Map<string, number>();
  private skipped = 0;

  onTrace(trace: GeneratedTrace): void {
    if (this.traces.length >= MAX_TRACKED_TRACES) {
      this.skipped++;
      return;
    }
    const sessions = new Map<string, number>();
    for (const e of trace.events) sessions.set(e.session_id, (sessions.get(e.session_id) ?? 0) + 1);
    for (const [id, n] of sessions) this.expected.set(id, (this.expected.get(id) ?? 0) + n);
    this.traces.push({ scenario: trace.scenario.scenario, kind: trace.scenario.kind, traceId: trace.scenario.traceId, sessions: [...sessions.keys()] });
  }

  onSent(events: readonly AgentActionEvent[]): void {
    for (const e of events) if (this.expected.has(e.session_id)) this.sent.set(e.session_id, (this.sent.get(e.session_id) ?? 0) + 1);
  }

  /** Traces every event of which was sent, and the events sent per session. */
  complete(): { traces: readonly TrackedTrace[]; sent: ReadonlyMap<string, number>; untracked: number } {
    const done = this.traces.filter((t) => t.sessions.every((s) => (this.sent.get(s) ?? 0) >= (this.expected.get(s) ?? 0)));
    return { traces: done, sent: this.sent, untracked: this.skipped + (this.traces.length - done.length) };
  }
}

const RiskList = z.object({
  items: z.array(z.object({ session_id: z.string(), seq: z.number(), level: z.enum(LEVELS) }).loose()),
  missing: z.array(z.string()),
});

export interface VerdictQuery {
  readonly url: string;
  readonly token: string | undefined;
  /** How long to wait for the server to process everything sent (default 15 s). */
  readonly waitMs?: number;
}

export async function collectVerdicts(ledger: InjectionLedger, query: VerdictQuery): Promise<Verdicts> {
  const { traces, sent, untracked } = ledger.complete();
  const sessions = [...new Set(traces.flatMap((t) => t.sessions))];
  const levels = new Map<string, Level>();
  const seqs = new Map<string, number>();
  let outstanding = sessions;
  let failure: { readonly error: unknown } | null = null;
  // Asks again every 250 ms until every session's seq counts what was sent to it, or the wait is over.
  await pollUntil(
    async () => {
      try {
        for (let i = 0; i < outstanding.length; i += CHUNK) {
          const answer = await askRisk(query, outstanding.slice(i, i + CHUNK));
          for (const r of answer.items) {
            levels.set(r.session_id, r.level);
            seqs.set(r.session_id, r.seq);
          }
        }
      } catch (error) {
        failure = { error };
        return true;
      }
      outstanding = sessions.filter((s) => (seqs.get(s) ?? 0) < (sent.get(s) ?? 0));
      return outstanding.length === 0;
    },
    { timeoutMs: query.waitMs ?? 15_000, intervalMs: 250 },
  );
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  const pendingSessions = new Set(outstanding);
  const byScenario = new Map<string, { scenario: string; kind: 'benign' | 'attack'; injected: number; flagged: number; pending: number; examples: string[] }>();
  const rank = (l: Level | undefined) => (l === undefined ? -1 : LEVELS.indexOf(l));
  for (const t of traces) {
    const v = byScenario.get(t.scenario) ?? { scenario: t.scenario, kind: t.kind, injected: 0, flagged: 0, pending: 0, examples: [] };
    byScenario.set(t.scenario, v);
    v.injected++;
    const flagged = t.sessions.some((s) => rank(levels.get(s)) >= rank(FLAG_LEVEL));
    if (flagged) v.flagged++;
    if (t.sessions.some((s) => pendingSessions.has(s))) v.pending++;
    const notable = t.kind === 'attack' ? !flagged : flagged;
    if (notable && v.examples.length < 3) v.examples.push(t.traceId);
  }
  const scenarios = [...byScenario.values()].sort((a, b) => (a.kind === b.kind ? b.injected - a.injected || a.scenario.localeCompare(b.scenario) : a.kind === 'attack' ? -1 : 1));
  return { scenarios, untracked };
}

async function askRisk(query: VerdictQuery, sessionIds: readonly string[]): Promise<z.infer<typeof RiskList>> {
  const res = await fetch(new URL('/v1/sessions/risk', query.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(query.token ? { authorization: `Bearer ${query.token}` } : {}) },
    body: JSON.stringify({ session_ids: sessionIds }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /v1/sessions/risk answered ${res.status}: ${text.slice(0, 200)}`);
  return RiskList.parse(JSON.parse(text));
}

export function formatVerdicts(v: Verdicts, url: string): string[] {
  const lines = [`simulate: what Chainwatch flagged (a session of the trace at ${FLAG_LEVEL} risk or above, asked at ${url}):`];
  const width = Math.max(8, ...v.scenarios.map((s) => s.scenario.length));
  for (const s of v.scenarios) {
    const note =
      s.examples.length === 0
        ? ''
        : s.kind === 'attack'
          ? `   missed: ${s.examples.join(', ')}`
          : `   false positives, e.g. ${s.examples.join(', ')}`;
    const pending = s.pending > 0 ? ` (${s.pending} not processed yet)` : '';
    lines.push(`  ${s.kind.padEnd(6)}  ${s.scenario.padEnd(width)}  ${String(s.injected).padStart(5)} injected  ${String(s.flagged).padStart(5)} flagged${pending}${note}`);
  }
  const total = (kind: 'attack' | 'benign') => {
    const rows = v.scenarios.filter((s) => s.kind === kind);
    const n = rows.reduce((a, s) => a + s.injected, 0);
    const f = rows.reduce((a, s) => a + s.flagged, 0);
    return `${f}/${n}${n > 0 ? ` (${((100 * f) / n).toFixed(1)}%)` : ''}`;
  };
  lines.push(`simulate: attacks flagged ${total('attack')}; benign traces flagged ${total('benign')}${v.untracked > 0 ? `; ${v.untracked} traces not sent completely, left out` : ''}`);
  return lines;
}
