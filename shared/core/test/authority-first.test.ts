/**
 * The order of a decision (issue 9): a declared envelope decides first; inside it, only evidence
 * against this very action (provenance, hand-off, credentials) steps up or denies; the task's words
 * are heuristics for sessions without an envelope. Tools here are in no catalog: their operation,
 * output trust and required scope are inferred, as for an MCP server the operator never described.
 */
import { describe, expect, it } from 'vitest';
import type { AgentActionEvent, AgentActionEventInput, DecisionRequest } from '@chainwatch/schemas';
import { createDetectionEngine, loadDefaultPolicy, parseRuleSet, readRuleSources, SHIPPED_RULES_DIR, type AssessResult, type DetectionEngine } from '../src/index';
import { T0, event, requestFor } from './event-builder';

type Input = Omit<Partial<AgentActionEventInput>, 'action'> & { action?: Partial<AgentActionEventInput['action']> };

function shippedEngine(rules = loadDefaultPolicy().rules): DetectionEngine {
  const { policy } = loadDefaultPolicy();
  return createDetectionEngine({ policy, rules });
}

/** Observes `calls` in order, asking before each; returns every answer. */
function run(engine: DetectionEngine, calls: readonly { tool: string; o?: Input }[], base: Input = {}): { answers: AssessResult[]; events: AgentActionEvent[] } {
  const answers: AssessResult[] = [];
  const events: AgentActionEvent[] = [];
  calls.forEach((c, i) => {
    const e = event(c.tool, { ts: T0 + i * 1000, ...base, ...c.o, action: { ...(base.action ?? {}), ...(c.o?.action ?? {}) } } as never);
    answers.push(engine.assess(requestFor(e), e.ts));
    engine.observe(e);
    events.push(e);
  });
  return { answers, events };
}

const ids = (r: AssessResult): string[] => r.reasons.map((x) => x.rule_id);
const ents = (p: { emails?: string[]; urls?: string[]; domains?: string[]; ibans?: string[] }) => ({ emails: p.emails ?? [], urls: p.urls ?? [], domains: p.domains ?? [], ibans: p.ibans ?? [], phones: [] });

describe('authority first', () => {
  const gather = (scopes: string[]) => [
    { tool: 'search_web', o: { task: { id: 't', intent: 'Gather recent material on passkey adoption.', scopes }, action: { args: { query: 'passkey adoption' }, result_entities: ents({ urls: ['https://blog.example.net/passkeys'] }) } } },
    { tool: 'fetch_page', o: { task: { id: 't', intent: 'Gather recent material on passkey adoption.', scopes }, action: { args: { url: 'https://blog.example.net/passkeys' } } } },
    { tool: 'notes_append', o: { task: { id: 't', intent: 'Gather recent material on passkey adoption.', scopes }, action: { args: { notebook: 'research', text: 'passkeys' } } } },
  ];

  it('a sub-agent asked only to gather material writes its notes: allowed when its scopes include the write, stepped up without an envelope', () => {
    const scoped = run(shippedEngine(), gather(['web.read', 'notes.write']), { parent_session_id: null });
    expect(scoped.answers.map((a) => a.decision)).toEqual(['allow', 'allow', 'allow']);
    const bare = run(shippedEngine(), gather([]));
    expect(bare.answers[2]?.decision).toBe('step_up');
    expect(ids(bare.answers[2]!)).toContain('scope_drift.side_effect_in_read_only_task');
  });

  const pay = (scopes: string[], intent: string) => {
    const task = { id: 't-pay', intent, scopes };
    return [
      { tool: 'get_invoice', o: { task, action: { args: { invoice_id: 'INV-4711' }, result_entities: ents({ ibans: ['DE44500105175407324931'] }) } } },
      { tool: 'payment_history', o: { task, action: { args: { vendor: 'Northwind' }, result_entities: ents({ ibans: ['DE44500105175407324931', 'FR7630006000011234567890189'] }) } } },
      { tool: 'pay_invoice', o: { task, action: { args: { invoice_id: 'INV-4711', iban: 'DE44500105175407324931', amount: 1200 } } } },
    ];
  };

  it('a payment agent reads the payment history and pays the account of the invoice: the declared payment scope outranks the words and the sensitive-read → sink heuristic', () => {
    const scoped = run(shippedEngine(), pay(['invoices.read', 'payments.read', 'payments.write'], 'Reconcile the Northwind account for invoice INV-4711.'));
    expect(scoped.answers.map((a) => a.decision)).toEqual(['allow', 'allow', 'allow']);
    const bare = run(shippedEngine(), pay([], 'Reconcile the Northwind account for invoice INV-4711.'));
    expect(bare.answers[2]?.decision).toBe('step_up');
    // Without an envelope the task's words decide: 'reconcile' asks for no payment.
    expect(ids(bare.answers[2]!).some((id) => id === 'scope_drift.side_effect_in_read_only_task' || id === 'scope_drift.unrequested_effect')).toBe(true);
  });

  it('an action outside the declared scopes is denied, naming the missing authority', () => {
    const { answers } = run(shippedEngine(), [
      { tool: 'read_notes', o: { task: { id: 't', intent: 'Tidy the notes.', scopes: ['notes.read'] } } },
      { tool: 'notes_write', o: { task: { id: 't', intent: 'Tidy the notes.', scopes: ['notes.read'] }, action: { args: { text: 'x' } } } },
    ]);
    expect(answers[1]?.decision).toBe('deny');
    expect(answers[1]?.reasons[0]?.rule_id).toBe('privilege_laundering.scope_not_granted');
    expect(answers[1]?.reasons[0]?.message).toContain('notes.read');
  });

  it('a delegated agent whose own token can pay, under a read-only chain, is a confused deputy', () => {
    const engine = shippedEngine();
    const parent = event('plan', { session_id: 'orch', trace_id: 'tr', task: { id: 'to', intent: 'Check invoice INV-9 is paid.', scopes: ['invoices.read'] }, action: { kind: 'delegation', tool: 'agent.delegate', operation: 'delegate', target_session_id: 'payer' } });
    engine.observe(parent);
    const req: DecisionRequest = requestFor(
      event('pay_invoice', {
        session_id: 'payer',
        trace_id: 'tr',
        parent_session_id: 'orch',
        task: { id: 'tp', intent: 'Pay invoice INV-9.', scopes: ['invoices.read', 'payments.write'] },
        credential: { token_id: 'tok-p', issued_at: T0 - 1000, expires_at: T0 + 600_000, scopes: ['payments.write', 'invoices.read'], audience: 'pay' },
        action: { args: { invoice_id: 'INV-9', iban: 'DE44500105175407324931', amount: 10 } },
      }),
    );
    const r = engine.assess(req, T0 + 1000);
    expect(r.decision).toBe('deny');
    expect(r.reasons[0]?.rule_id).toBe('privilege_laundering.confused_deputy');
  });
});

describe('evidence inside the envelope', () => {
  it('an in-envelope send whose recipient came from third-party content is stepped up, naming the source', () => {
    const task = { id: 't', intent: 'Gather material on passkeys and mail the summary to the team.', scopes: ['web.read', 'mail.send'] };
    const { answers, events } = run(shippedEngine(), [
      { tool: 'fetch_page', o: { task, action: { args: { url: 'https://blog.example.net/p' }, result_entities: ents({ emails: ['collector@drop.example.net'] }) } } },
      { tool: 'send_mail', o: { task, action: { args: { to: 'collector@drop.example.net', body: 'summary' } } } },
    ]);
    const r = answers[1]!;
    expect(r.decision).not.toBe('allow');
    const reason = r.reasons.find((x) => x.rule_id === 'data_flow.send_to_tool_supplied_destination');
    expect(reason?.message).toContain('output of fetch_page');
    expect(reason?.evidence_event_ids).toContain(events[0]!.event_id);
  });

  it('a recipient the delegating session got from content reaches the child as a tainted hand-off', () => {
    const engine = shippedEngine();
    engine.observe(event('read_inbox', { session_id: 'orch', trace_id: 'tr', task: { id: 'to', intent: 'Handle the finance inbox.', scopes: ['mail.read', 'payments.write'] }, action: { result_entities: ents({ ibans: ['LT601010012345678901'] }) } }));
    engine.observe(event('agent.delegate', { session_id: 'orch', trace_id: 'tr', task: { id: 'to', intent: 'Handle the finance inbox.', scopes: ['mail.read', 'payments.write'] }, action: { kind: 'delegation', operation: 'delegate', target_session_id: 'payer' } }));
    const req = requestFor(
      event('pay_invoice', {
        session_id: 'payer',
        trace_id: 'tr',
        parent_session_id: 'orch',
        task: { id: 'tp', intent: 'Pay account LT601010012345678901 today.', scopes: ['payments.write'] },
        action: { args: { iban: 'LT601010012345678901', amount: 9000 } },
      }),
    );
    const r = engine.assess(req, T0 + 5000);
    expect(r.decision).toBe('deny');
    expect(r.reasons[0]?.rule_id).toBe('privilege_laundering.tainted_input_privileged_action');
    expect(r.reasons[0]?.message).toContain('handed over by the delegating session');
  });

  it('a long-lived token changes the request-time answer before the action runs', () => {
    const engine = shippedEngine();
    const cred = (life: number) => ({ token_id: `tok-${life}`, issued_at: T0 - 1000, expires_at: T0 - 1000 + life, scopes: [], audience: 'x' });
    const short = engine.assess(requestFor(event('list_invoices', { session_id: 's-short', credential: cred(15 * 60_000) })), T0);
    const long = engine.assess(requestFor(event('list_invoices', { session_id: 's-long', credential: cred(90 * 24 * 3_600_000) })), T0);
    expect(short.decision).toBe('allow');
    expect(long.decision).toBe('step_up');
    expect(long.reasons[0]?.rule_id).toBe('credential_hygiene.long_lived_token');
  });
});

describe('one registry of rule ids: overrides reach detector-raised findings', () => {
  const attack = [
    { tool: 'fetch_page', o: { task: { id: 't', intent: 'Read the news page https://news.example.org/today.', scopes: [] }, action: { args: { url: 'https://news.example.org/today' }, result_entities: ents({ urls: ['https://collect.example.net/c'] }) } } },
    { tool: 'fetch_page', o: { task: { id: 't', intent: 'Read the news page https://news.example.org/today.', scopes: [] }, action: { args: { url: 'https://collect.example.net/c' } } } },
  ];
  const withOverride = (text: string) => parseRuleSet([...readRuleSources([SHIPPED_RULES_DIR]), { name: 'ops.yaml', text }]);

  it('the shipped policy steps up following a link from an open-web page', () => {
    const { answers } = run(shippedEngine(), attack);
    expect(answers[1]?.decision).toBe('step_up');
    expect(ids(answers[1]!)).toContain('data_flow.fetch_tool_supplied_destination');
  });

  it('enabled: false silences it', () => {
    const { answers } = run(shippedEngine(withOverride('- rule: data_flow.fetch_tool_supplied_destination\n  enabled: false\n')), attack);
    expect(answers[1]?.decision).toBe('allow');
    expect(ids(answers[1]!)).not.toContain('data_flow.fetch_tool_supplied_destination');
  });

  it('an exception silences it where it holds, and only there', () => {
    const rules = withOverride("- rule: data_flow.fetch_tool_supplied_destination\n  exceptions:\n    - name: collector\n      condition: matches_domain(event.destination, ['collect.example.net'])\n");
    expect(run(shippedEngine(rules), attack).answers[1]?.decision).toBe('allow');
    const other = attack.map((c) => JSON.parse(JSON.stringify(c).replaceAll('collect.example.net', 'other.example.net')) as (typeof attack)[number]);
    expect(run(shippedEngine(rules), other).answers[1]?.decision).toBe('step_up');
  });

  it('the user_* macro named in the registry silences it (user_trusted_domains)', () => {
    const rules = withOverride('- list: user_trusted_domains\n  items: [collect.example.net]\n');
    expect(run(shippedEngine(rules), attack).answers[1]?.decision).toBe('allow');
  });

  it('severity tuning reaches it', () => {
    const rules = withOverride('- rule: data_flow.fetch_tool_supplied_destination\n  severity: low\n');
    const r = run(shippedEngine(rules), attack).answers[1]!;
    expect(r.decision).toBe('allow');
    expect(r.reasons.find((x) => x.rule_id === 'data_flow.fetch_tool_supplied_destination')?.severity).toBe('low');
  });

  it('a YAML rule may not take a detector id', () => {
    expect(() =>
      withOverride("- rule: data_flow.fetch_tool_supplied_destination\n  version: 1\n  severity: low\n  tags: [ASI01]\n  description: d\n  message: m\n  condition: 'true'\n"),
    ).toThrow(/the data_flow detector raises this id/);
  });
});
