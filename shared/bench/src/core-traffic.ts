/**
 * Synthetic agent traffic for the core benchmark: several agent types with their own tool
 * habits, multi-agent traces (an orchestrator delegating to workers), credentials and SPIFFE
 * identities, a few entities in results. Deterministic (seeded PRNG).
 */
import { createRng } from '@chainwatch/simulator';
import type { AgentActionEvent } from '@chainwatch/schemas';

/** Seeded uniform numbers in [0, 1) (the simulator's generator). */
function prng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.next();
}

interface AgentProfile {
  readonly type: string;
  readonly tools: readonly string[];
  /** Scopes the profile's tools need (as in the shipped catalog). */
  readonly scopes: readonly string[];
}

const PROFILES: readonly AgentProfile[] = [
  { type: 'email-assistant', tools: ['list_inbox', 'read_email', 'search_mail', 'send_email', 'get_calendar_events', 'create_calendar_event'], scopes: ['mail.read', 'mail.send', 'calendar.read', 'calendar.write'] },
  { type: 'coder', tools: ['read_file', 'write_file', 'run_shell', 'search_files', 'http_request', 'edit_file'], scopes: ['files.read', 'files.write', 'exec'] },
  { type: 'finance-bot', tools: ['get_balance', 'get_transactions', 'transfer_funds', 'pay_bill', 'read_file'], scopes: ['bank.read', 'bank.transfer', 'files.read'] },
  { type: 'researcher', tools: ['web_search', 'get_webpage', 'read_file', 'write_file', 'post_message'], scopes: ['files.read', 'files.write', 'chat.write'] },
  { type: 'support-agent', tools: ['read_messages', 'post_message', 'search_customers', 'update_ticket', 'send_email'], scopes: ['chat.read', 'chat.write', 'mail.send', 'crm.read', 'tickets.write'] },
];

/** The organisation's own domain in the generated traffic (configure it in the catalog's org_domains). */
export const TRAFFIC_ORG_DOMAIN = 'example.org';

function uuid(rand: () => number): string {
  const h = (n: number) => Math.floor(rand() * 16 ** n).toString(16).padStart(n, '0');
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(6)}${h(6)}`;
}

export interface TrafficOptions {
  readonly seed?: number;
  /** Events per session (default 6). */
  readonly eventsPerSession?: number;
  /** Fraction of traces that are multi-agent (orchestrator + 2 workers). */
  readonly multiAgent?: number;
  /** Fraction of sessions where an injected address is planted in a result and then used (default 0.02). */
  readonly attacks?: number;
  readonly startTs?: number;
}

/**
 * Yields events trace by trace; `sessions` sessions in total. Events of a trace are emitted in
 * order; traces follow each other with advancing time.
 */
export function* generateTraffic(sessions: number, opts: TrafficOptions = {}): Generator<AgentActionEvent> {
  const rand = prng(opts.seed ?? 42);
  const per = opts.eventsPerSession ?? 6;
  const multi = opts.multiAgent ?? 0.3;
  let ts = opts.startTs ?? 1_767_225_600_000;
  let made = 0;
  let traceNo = 0;
  while (made < sessions) {
    traceNo++;
    const traceId = `t-${traceNo}`;
    const isMulti = rand() < multi && sessions - made >= 3;
    const count = isMulti ? 3 : 1;
    const sids = Array.from({ length: count }, (_, i) => `s-${traceNo}-${i}`);
    const user = `user-${Math.floor(rand() * 5000)}`;
    const partner = `partner${Math.floor(rand() * 20)}.com`;
    const profiles = sids.map(() => PROFILES[Math.floor(rand() * PROFILES.length)] ?? PROFILES[0]!);
    const agentIds = profiles.map((p) => `${p.type}-${Math.floor(rand() * 50)}`);
    const allScopes = [...new Set(profiles.flatMap((p) => p.scopes)), 'agents.delegate'];
    for (let i = 0; i < count; i++) {
      const profile = profiles[i]!;
      const sid = sids[i]!;
      const parent = i === 0 ? null : sids[0]!;
      const agentId = agentIds[i]!;
      const spiffe = `spiffe://${TRAFFIC_ORG_DOMAIN}/ns/agents/sa/${profile.type}`;
      const token = `tok-${traceNo}-${i}`;
      const scopes = i === 0 ? allScopes : profile.scopes;
      const attacked = rand() < (opts.attacks ?? 0.02);
      const planted = `collector${Math.floor(rand() * 1000)}@exfil${Math.floor(rand() * 50)}.net`;
      for (let k = 0; k < per; k++) {
        ts += 1 + Math.floor(rand() * 50);
        const delegating = i === 0 && isMulti && k < 2;
        const tool = delegating ? 'delegate_task' : (profile.tools[Math.floor(rand() * profile.tools.length)] ?? 'read_file');
        const sends = tool.startsWith('send') || tool.startsWith('post') || tool.startsWith('transfer') || tool.startsWith('pay') || tool.startsWith('http');
        const ext = rand() < 0.3;
        const to = attacked && k === per - 1 ? planted : ext ? `someone${Math.floor(rand() * 100)}@${partner}` : `colleague${Math.floor(rand() * 30)}@${TRAFFIC_ORG_DOMAIN}`;
        const args: Record<string, unknown> = sends ? { to, subject: 'status', body: 'weekly update' } : { query: `q${Math.floor(rand() * 1000)}` };
        const found = attacked && k === 0 ? [planted] : rand() < 0.3 ? [`contact${Math.floor(rand() * 200)}@${partner}`] : [];
        const entities = found.length > 0 ? { emails: found, urls: [], domains: [], ibans: [], phones: [] } : undefined;
        made += k === 0 ? 1 : 0;
        yield {
          schema_version: 1,
          event_id: uuid(rand),
          ts,
          session_id: sid,
          trace_id: traceId,
          parent_session_id: parent,
          agent: { id: agentId, type: profile.type, spiffe_id: spiffe },
          principal: { sub: user, act: parent !== null ? [{ sub: agentIds[0]! }] : [] },
          task: { id: `task-${traceNo}${i > 0 ? `-${i}` : ''}`, intent: `prepare the weekly status update and share it with the team at ${partner}`, scopes: [...scopes] },
          action: {
            kind: delegating ? 'delegation' : 'tool_call',
            tool,
            resource: `${profile.type}:/${user}/item-${Math.floor(rand() * 8)}`,
            args,
            ...(delegating ? { target_session_id: sids[k + 1] } : {}),
            ...(entities !== undefined ? { result_entities: entities } : {}),
            result_bytes: Math.floor(rand() * 4000),
          },
          credential: { token_id: token, issued_at: ts - 60_000, expires_at: ts + 15 * 60_000, scopes: [...scopes], audience: 'tools' },
          context: { source: 'bench' },
          outcome: 'allowed',
        };
      }
    }
  }
}
