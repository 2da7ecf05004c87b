import { describe, expect, it } from 'vitest';
import { createDetectionEngine, parseToolCatalog, type DetectionEngine } from '../src/index';
import { T0, entities, event, requestFor } from './event-builder';

const catalog = parseToolCatalog(`
version: 1
org_domains: [example.org]
tools:
  read_inbox: { operation: read, data_class: confidential, scopes: [mail.read], result_trust: external }
  read_secret: { operation: read, data_class: secret, scopes: [secrets.read] }
  send_email: { operation: send, data_class: confidential, egress: true, scopes: [mail.send], destination_args: [to] }
  fetch_url: { operation: read, data_class: public, result_trust: external, destination_args: [url] }
  list_files: { operation: read, data_class: internal, scopes: [files.read] }
  delete_file: { operation: delete, data_class: internal, scopes: [files.write] }
  delegate_task: { operation: delegate, data_class: internal }
`);

function engine(): DetectionEngine {
  return createDetectionEngine({ catalog });
}

const rules = (fs: readonly { rule_id: string }[]) => fs.map((f) => f.rule_id);

describe('scope drift', () => {
  it('flags a tool outside the task allow-list, not one inside it', () => {
    const e = engine();
    const task = { allowed_tools: ['list_files'] };
    expect(rules(e.observe(event('list_files', { task })).findings)).not.toContain('scope_drift.tool_not_allowed');
    const r = e.assess(requestFor(event('delete_file', { task })), T0 + 1000);
    expect(rules(r.prospective)).toContain('scope_drift.tool_not_allowed');
  });

  it('flags data above the task ceiling', () => {
    const e = engine();
    const hit = e.observe(event('read_secret', { task: { max_data_class: 'internal' } }));
    expect(rules(hit.findings)).toContain('scope_drift.data_class_over_ceiling');
    const ok = engine().observe(event('list_files', { task: { max_data_class: 'internal' } }));
    expect(rules(ok.findings)).not.toContain('scope_drift.data_class_over_ceiling');
  });

  it('flags a destination outside the allowed destinations', () => {
    const task = { allowed_destinations: ['partner.com'] };
    const e = engine();
    const bad = e.assess(requestFor(event('send_email', { task, action: { args: { to: 'x@evil.test' } } })), T0);
    expect(rules(bad.prospective)).toContain('scope_drift.destination_not_allowed');
    const good = e.assess(requestFor(event('send_email', { task, action: { args: { to: 'bob@mail.partner.com' } } })), T0);
    expect(rules(good.prospective)).not.toContain('scope_drift.destination_not_allowed');
  });

  it('flags resource-set growth after a warm-up, not steady work on the same resources', () => {
    const e = engine();
    for (let i = 0; i < 10; i++) e.observe(event('list_files', { ts: T0 + i, action: { resource: 'drive:/team' } }));
    const found: string[] = [];
    for (let i = 0; i < 5; i++) found.push(...rules(e.observe(event('list_files', { ts: T0 + 20 + i, action: { resource: `drive:/hr/${i}` } })).findings));
    expect(found).toContain('scope_drift.resource_set_growth');
    const steady = engine();
    const none: string[] = [];
    for (let i = 0; i < 16; i++) none.push(...rules(steady.observe(event('list_files', { ts: T0 + i, action: { resource: `drive:/team/${i % 2}` } })).findings));
    expect(none).not.toContain('scope_drift.resource_set_growth');
  });

  it('reports an unknown tool once per session', () => {
    const e = engine();
    expect(rules(e.observe(event('frobnicate_widgets')).findings)).toContain('scope_drift.unknown_tool');
    expect(rules(e.observe(event('frobnicate_widgets', { ts: T0 + 1 })).findings)).not.toContain('scope_drift.unknown_tool');
    expect(rules(e.observe(event('list_files', { ts: T0 + 2 })).findings)).not.toContain('scope_drift.unknown_tool');
  });

  it('flags tool-set growth after a warm-up', () => {
    const e = engine();
    for (let i = 0; i < 10; i++) e.observe(event('list_files', { ts: T0 + i }));
    const found: string[] = [];
    ['tool_a_get', 'tool_b_get', 'tool_c_get', 'tool_d_get'].forEach((t, i) => found.push(...rules(e.observe(event(t, { ts: T0 + 20 + i })).findings)));
    expect(found).toContain('scope_drift.tool_set_growth');
    const quiet = engine();
    const none: string[] = [];
    for (let i = 0; i < 14; i++) none.push(...rules(quiet.observe(event('list_files', { ts: T0 + i })).findings));
    expect(none).not.toContain('scope_drift.tool_set_growth');
  });
});

describe('scope drift: the envelope implied by the intent', () => {
  it('flags a side effect in a task that only asked for information', () => {
    const e = engine();
    const task = { intent: 'What is on my calendar tomorrow?' };
    e.observe(event('list_files', { task }));
    const r = e.assess(requestFor(event('delete_file', { task })), T0 + 1);
    expect(rules(r.prospective)).toContain('scope_drift.side_effect_in_read_only_task');
  });

  it('does not flag a side effect the task asked for, or reads in a read-only task', () => {
    const e = engine();
    const task = { intent: 'Delete the old drafts in my files.' };
    e.observe(event('list_files', { task }));
    expect(rules(e.assess(requestFor(event('delete_file', { task })), T0 + 1).prospective)).not.toContain('scope_drift.side_effect_in_read_only_task');
    const ro = engine();
    const q = { intent: 'Find the latest report.' };
    ro.observe(event('list_files', { task: q }));
    expect(rules(ro.assess(requestFor(event('read_inbox', { task: q })), T0 + 1).prospective)).not.toContain('scope_drift.side_effect_in_read_only_task');
  });
});

describe('tool chaining', () => {
  it('flags a sensitive read followed by an external send', () => {
    const e = engine();
    const read = event('read_inbox');
    e.observe(read);
    const r = e.assess(requestFor(event('send_email', { ts: T0 + 1000, action: { args: { to: 'bob@partner.com' } } })), T0 + 1000);
    const f = r.prospective.find((x) => x.rule_id === 'tool_chaining.sensitive_read_then_sink');
    expect(f).toBeDefined();
    expect(f?.evidence_event_ids).toContain(read.event_id);
  });

  it('leaves a send to a recipient the task named alone (the user asked for that recipient)', () => {
    const e = engine();
    const task = { intent: 'mail the summary to bob@partner.com' };
    e.observe(event('read_inbox', { task }));
    const r = e.assess(requestFor(event('send_email', { task, action: { args: { to: 'bob@partner.com' } } })), T0 + 1);
    expect(rules(r.prospective)).not.toContain('tool_chaining.sensitive_read_then_sink');
    expect(r.decision).toBe('allow');
  });

  it('does not flag an internal send, or a send without a sensitive read', () => {
    const e = engine();
    e.observe(event('read_inbox'));
    const internal = e.assess(requestFor(event('send_email', { action: { args: { to: 'bob@example.org' } } })), T0 + 1);
    expect(rules(internal.prospective)).not.toContain('tool_chaining.sensitive_read_then_sink');
    const clean = engine();
    clean.observe(event('list_files'));
    const r = clean.assess(requestFor(event('send_email', { action: { args: { to: 'bob@partner.com' } } })), T0 + 1);
    expect(rules(r.prospective)).not.toContain('tool_chaining.sensitive_read_then_sink');
  });

  it('scores rare transitions with the Markov baseline of the agent type', () => {
    const counts = [
      [0, 500, 0],
      [0, 0, 500],
      [0, 500, 0],
    ];
    const baseline = { version: 1 as const, agent_types: { assistant: { tools: ['<start>', 'list_files', 'read_inbox'], counts, sessions: 500 } } };
    const e = createDetectionEngine({ catalog, baseline, learn: false });
    e.observe(event('list_files'));
    const rare = e.assess(requestFor(event('delete_file')), T0 + 1);
    expect(rules(rare.prospective)).toContain('tool_chaining.rare_transition');
    const usual = e.assess(requestFor(event('read_inbox')), T0 + 1);
    expect(rules(usual.prospective)).not.toContain('tool_chaining.rare_transition');
  });

  it('flags a burst of distinct new tools', () => {
    const e = engine();
    const got: string[] = [];
    ['a_get', 'b_get', 'c_get', 'd_get', 'e_get', 'f_get'].forEach((t, i) => got.push(...rules(e.observe(event(t, { ts: T0 + i * 100 })).findings)));
    expect(got).toContain('tool_chaining.tool_burst');
    const slow = engine();
    const none: string[] = [];
    ['a_get', 'b_get', 'c_get', 'd_get', 'e_get', 'f_get'].forEach((t, i) => none.push(...rules(slow.observe(event(t, { ts: T0 + i * 60_000 })).findings)));
    expect(none).not.toContain('tool_chaining.tool_burst');
  });
});

describe('data-flow provenance', () => {
  it('flags a send to an address that only a tool result supplied, citing that result', () => {
    const e = engine();
    const inbox = event('read_inbox', { task: { intent: 'summarise my inbox for me' }, action: { result_entities: entities({ emails: ['drop@evil.test'] }) } });
    e.observe(inbox);
    const r = e.assess(requestFor(event('send_email', { task: { intent: 'summarise my inbox for me' }, action: { args: { to: 'drop@evil.test' } } })), T0 + 1);
    const f = r.prospective.find((x) => x.rule_id === 'data_flow.send_to_tool_supplied_destination');
    expect(f?.severity).toBe('high');
    expect(f?.evidence_event_ids).toEqual([inbox.event_id]);
    expect(r.decision).not.toBe('allow');
  });

  it('tracks phone numbers from results and the intent', () => {
    const e = engine();
    const task = { intent: 'text my summary to +1 212 555 0100' };
    e.observe(event('read_inbox', { task, action: { result_entities: { ...entities({}), phones: ['+442071234567'] } } }));
    const planted = e.assess(requestFor(event('send_sms', { task, action: { args: { to: '+44 20 7123 4567' } } })), T0 + 1);
    expect(rules(planted.prospective)).toContain('data_flow.send_to_tool_supplied_destination');
    const named = e.assess(requestFor(event('send_sms', { task, action: { args: { to: '(212) 555-0100' } } })), T0 + 1);
    expect(rules(named.prospective).filter((x) => x.startsWith('data_flow.'))).toEqual([]);
  });

  it('does not flag a destination the task named', () => {
    const e = engine();
    const task = { intent: 'forward the report to carol@partner.com' };
    e.observe(event('read_inbox', { task, action: { result_entities: entities({ emails: ['carol@partner.com'] }) } }));
    const r = e.assess(requestFor(event('send_email', { task, action: { args: { to: 'carol@partner.com' } } })), T0 + 1);
    expect(rules(r.prospective).filter((x) => x.startsWith('data_flow.'))).toEqual([]);
  });

  it('flags following a link that came from external content', () => {
    const e = engine();
    const task = { intent: 'read the page www.news.test' };
    e.observe(event('fetch_url', { task, action: { args: { url: 'https://www.news.test' }, result_entities: entities({ urls: ['https://collector.test/c'] }) } }));
    const r = e.assess(requestFor(event('fetch_url', { task, action: { args: { url: 'https://collector.test/c' } } })), T0 + 1);
    expect(rules(r.prospective)).toContain('data_flow.fetch_tool_supplied_destination');
    const named = e.assess(requestFor(event('fetch_url', { task, action: { args: { url: 'https://news.test/page2' } } })), T0 + 1);
    expect(rules(named.prospective)).not.toContain('data_flow.fetch_tool_supplied_destination');
  });
});

describe('privilege laundering', () => {
  const parentEvent = (scopes: string[]) =>
    event('delegate_task', { session_id: 'p', task: { scopes }, action: { kind: 'delegation', target_session_id: 'c' } });

  it('flags a confused deputy: the child holds the scope, its delegation chain does not', () => {
    const e = engine();
    e.observe(parentEvent(['files.read']));
    const child = event('delete_file', {
      session_id: 'c',
      parent_session_id: 'p',
      agent: { id: 'worker', type: 'worker', spiffe_id: 'spiffe://example.org/ns/a/sa/worker' },
      task: { scopes: ['files.read', 'files.write'] },
    });
    const r = e.assess(requestFor(child), T0 + 1);
    expect(rules(r.prospective)).toContain('privilege_laundering.confused_deputy');
    expect(r.decision).toBe('deny');
  });

  it('does not flag when the chain holds the scope', () => {
    const e = engine();
    e.observe(parentEvent(['files.read', 'files.write']));
    const child = event('delete_file', { session_id: 'c', parent_session_id: 'p', task: { scopes: ['files.write'] }, agent: { id: 'worker', type: 'worker', spiffe_id: 'spiffe://example.org/ns/a/sa/worker' } });
    expect(rules(e.observe(child).findings).filter((x) => x.startsWith('privilege_laundering'))).toEqual([]);
  });

  it('flags a session acting for several principals', () => {
    const e = engine();
    e.observe(event('list_files'));
    const r = e.observe(event('list_files', { ts: T0 + 1, principal: { sub: 'mallory', act: [] } }));
    expect(rules(r.findings)).toContain('privilege_laundering.principal_union');
  });

  it('flags tainted output of one session driving a privileged action in another', () => {
    const e = engine();
    e.observe(event('read_inbox', { session_id: 'p' }));
    e.observe(event('delegate_task', { session_id: 'p', ts: T0 + 1, action: { kind: 'delegation', target_session_id: 'c' } }));
    const child = event('send_email', { session_id: 'c', parent_session_id: 'p', ts: T0 + 2, agent: { id: 'worker', type: 'worker', spiffe_id: 'spiffe://example.org/ns/a/sa/worker' }, action: { args: { to: 'x@partner.com' } } });
    expect(rules(e.observe(child).findings)).toContain('privilege_laundering.tainted_input_privileged_action');
    const clean = engine();
    clean.observe(event('list_files', { session_id: 'p' }));
    clean.observe(event('delegate_task', { session_id: 'p', ts: T0 + 1, action: { kind: 'delegation', target_session_id: 'c' } }));
    expect(rules(clean.observe({ ...child, event_id: crypto.randomUUID() }).findings)).not.toContain('privilege_laundering.tainted_input_privileged_action');
  });

  it('flags a claimed act chain that does not match the observed tree, and a delegation cycle', () => {
    const e = engine();
    e.observe(parentEvent([]));
    const child = event('list_files', {
      session_id: 'c',
      parent_session_id: 'p',
      agent: { id: 'worker', type: 'worker', spiffe_id: 'spiffe://example.org/ns/a/sa/worker' },
      principal: { sub: 'alice', act: [{ sub: 'someone-else' }] },
    });
    expect(rules(e.observe(child).findings)).toContain('privilege_laundering.act_chain_mismatch');
    const back = e.assess(requestFor(event('delegate_task', { session_id: 'c', parent_session_id: 'p', agent: child.agent, action: { kind: 'delegation', target_session_id: 'p' } })), T0 + 5);
    expect(rules(back.prospective)).toContain('privilege_laundering.delegation_cycle');
  });

  it('flags delegation deeper than the policy allows', () => {
    const e = engine();
    let parent = 's0';
    e.observe(event('delegate_task', { session_id: 's0', action: { kind: 'delegation', target_session_id: 's1' } }));
    const found: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const r = e.observe(event('delegate_task', { session_id: `s${i}`, parent_session_id: parent, agent: { id: `w${i}`, type: 'worker', spiffe_id: 'spiffe://example.org/ns/a/sa/w' }, ts: T0 + i, action: { kind: 'delegation', target_session_id: `s${i + 1}` } }));
      found.push(...rules(r.findings));
      parent = `s${i}`;
    }
    expect(found).toContain('privilege_laundering.delegation_depth');
  });
});

describe('credential hygiene', () => {
  const cred = (over: Partial<{ token_id: string; issued_at: number; expires_at: number }> = {}) => ({
    token_id: 'tok-1', issued_at: T0 - 60_000, expires_at: T0 + 10 * 60_000, scopes: [], audience: 'tools', ...over,
  });

  it('accepts a short-lived valid token', () => {
    const r = engine().observe(event('list_files', { credential: cred() }));
    expect(rules(r.findings).filter((x) => x.startsWith('credential_hygiene'))).toEqual([]);
  });

  it('flags long-lived and expired tokens', () => {
    expect(rules(engine().observe(event('list_files', { credential: cred({ expires_at: T0 + 24 * 3600_000 }) })).findings)).toContain('credential_hygiene.long_lived_token');
    expect(rules(engine().observe(event('list_files', { credential: cred({ issued_at: T0 - 3600_000, expires_at: T0 - 600_000 }) })).findings)).toContain('credential_hygiene.expired_token');
  });

  it('flags one token used by two sessions', () => {
    const e = engine();
    e.observe(event('list_files', { credential: cred() }));
    const r = e.observe(event('list_files', { session_id: 's-2', task: { id: 'task-2' }, credential: cred() }));
    const f = r.findings.find((x) => x.rule_id === 'credential_hygiene.token_reuse');
    expect(f?.severity).toBe('high');
  });

  it('flags a workload whose SPIFFE ID differs from the session\'s', () => {
    const e = engine();
    e.observe(event('list_files'));
    const r = e.observe(event('list_files', { ts: T0 + 1, agent: { id: 'agent-1', type: 'assistant', spiffe_id: 'spiffe://example.org/ns/x/sa/other' } }));
    expect(rules(r.findings)).toContain('credential_hygiene.spiffe_mismatch');
    expect(rules(e.observe(event('list_files', { ts: T0 + 2 })).findings)).not.toContain('credential_hygiene.spiffe_mismatch');
  });
});
