import { describe, expect, it } from 'vitest';
import { EMPTY_CATALOG, createDetectionEngine, inferToolFromName, parseToolCatalog, resolveAction } from '../src/index';
import { effectKind } from '../src/detectors/effect-kind';
import { INTENT_ACT_KEY, INTENT_DELIVER_UNNAMED_KEY, INTENT_EFFECT_KEYS, intentEffectKeys, taskCapabilityKeys as intentCapabilityKeys } from '../src/intent/task-asks';
import { T0, event, requestFor } from './event-builder';

const resolve = (tool: string, args: Record<string, unknown> = {}) => resolveAction({ kind: 'tool_call', tool, args }, EMPTY_CATALOG);
const keysOf = (text: string) => intentEffectKeys(new Set(text.toLowerCase().split(/[^a-z0-9]+/)), text);

describe('effect kinds of actions (from names and arguments, no catalog)', () => {
  it('sees payments by money words in the name or an IBAN destination', () => {
    expect(effectKind(resolve('transfer_funds', { to_account: 'savings', amount: 5 }))).toBe('pay');
    expect(effectKind(resolve('schedule_thing', { recipient: 'ZZ12EVIL00000000000042', amount: 5 }))).toBe('pay');
    expect(effectKind(resolve('send_message', { recipient: 'bob', body: 'hi' }))).toBeNull();
  });

  it('sees credential and access changes by name, and password-setting writes by argument name', () => {
    expect(effectKind(resolve('update_password', { value: 'x' }))).toBe('credential');
    expect(effectKind(resolve('LockGrantGuestAccess', { guest_ids: ['g1'] }))).toBe('credential');
    expect(effectKind(resolve('update_user', { new_password: 'x' }))).toBe('credential');
    expect(effectKind(resolve('update_user', { street: 'Elm' }))).toBeNull();
    // reading a password is not changing it
    expect(effectKind(resolve('get_password', {}))).toBeNull();
  });

  it('sees deletions, and nothing for reads', () => {
    expect(effectKind(resolve('erase_document', { id: '1' }))).toBe('delete');
    expect(effectKind(resolve('list_documents', {}))).toBeNull();
  });
});

describe('effect kinds a task asks for', () => {
  it('reads money, removal and credential words', () => {
    expect(keysOf('Please pay the electricity bill')).toContain(INTENT_EFFECT_KEYS.pay);
    expect(keysOf('Give Bob $20 back')).toContain(INTENT_EFFECT_KEYS.pay);
    expect(keysOf('Clean up old files in my drive')).toContain(INTENT_EFFECT_KEYS.delete);
    expect(keysOf('Change my password please')).toContain(INTENT_EFFECT_KEYS.credential);
    const reply = keysOf('Reply to Alice that I will come to the party');
    for (const k of Object.values(INTENT_EFFECT_KEYS)) expect(reply).not.toContain(k);
  });

  it('records a delivery whose recipient the task leaves to the agent, not one it names', () => {
    expect(keysOf('Send the summary to the client')).toContain(INTENT_DELIVER_UNNAMED_KEY);
    expect(keysOf('Send the summary to client@partner.test')).not.toContain(INTENT_DELIVER_UNNAMED_KEY);
    expect(keysOf('Read the latest email from Bob')).not.toContain(INTENT_DELIVER_UNNAMED_KEY);
    expect(keysOf('Find SMS messages I received last week')).not.toContain(INTENT_DELIVER_UNNAMED_KEY);
  });
});

describe('action verbs in the task, nouns excepted', () => {
  it('does not read a noun use of a dual word as a request for action', () => {
    expect(intentCapabilityKeys('Read the latest email from bob@mail.test about the project.')).not.toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('What is the status of my order?')).not.toContain(INTENT_ACT_KEY);
    // A determiner two words back (an adjective between) still makes a noun slot.
    expect(intentCapabilityKeys('Can you read the controversial post by the mayor?')).not.toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('Show me the pinned tweet of our account.')).not.toContain(INTENT_ACT_KEY);
  });

  it('reads the same word in a verb slot as a request for action', () => {
    expect(intentCapabilityKeys('Email Bob the minutes.')).toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('Can you order a pizza for tonight?')).toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('Send the latest email to Carol.')).toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('Tweet the launch date.')).toContain(INTENT_ACT_KEY);
    expect(intentCapabilityKeys('Summarize this and email it to my manager.')).toContain(INTENT_ACT_KEY);
  });
});

describe('inference of sends and personal data', () => {
  it('treats an inferred write or run that addresses a person or an account as a send', () => {
    const mail = resolve('dispatch_mail', { to: 'x@elsewhere.test', body: 'hello' });
    expect(mail.operation).toBe('send');
    expect(mail.egress).toBe(true);
    const pay = resolve('schedule_payment', { recipient_iban: 'ZZ12EVIL00000000000042', amount: 3 });
    expect(pay.operation).toBe('send');
    expect(pay.egress).toBe(true);
    // an address quoted in a note's text does not make writing the note a send
    expect(resolve('create_note', { text: 'call x@elsewhere.test' }).operation).toBe('write');
    // the catalog's word wins
    const catalog = parseToolCatalog('version: 1\ntools:\n  dispatch_mail: { operation: write }\n');
    expect(resolveAction({ kind: 'tool_call', tool: 'dispatch_mail', args: { to: 'x@elsewhere.test' } }, catalog).operation).toBe('write');
  });

  it('reads going to a web page, but not a robot going to a room', () => {
    expect(inferToolFromName('go_to_page')).toMatchObject({ operation: 'read', web: true });
    expect(inferToolFromName('navigateBrowser').operation).toBe('read');
    expect(inferToolFromName('RobotGoToRoom').operation).toBe('write');
  });

  it('classes data about a person as confidential', () => {
    expect(inferToolFromName('get_user_information').data_class).toBe('confidential');
    expect(inferToolFromName('fetch_customer_details').data_class).toBe('confidential');
    expect(inferToolFromName('get_weather_information').data_class).toBe('public');
  });
});

describe('scope drift: unrequested effect', () => {
  const run = (intent: string, second: string, args: Record<string, unknown>) => {
    const e = createDetectionEngine({});
    e.observe(event('list_documents', { task: { intent } }));
    return e.assess(requestFor(event(second, { ts: T0 + 1000, task: { intent }, action: { args } })), T0 + 1000).prospective.map((f) => f.rule_id);
  };

  it('flags a payment, a deletion or a credential change the task did not ask for', () => {
    expect(run('Reply to Alice that I will come.', 'transfer_funds', { to_account: 'x', amount: 9 })).toContain('scope_drift.unrequested_effect');
    expect(run('Reply to Alice that I will come.', 'erase_document', { id: '1' })).toContain('scope_drift.unrequested_effect');
    expect(run('Reply to Alice that I will come.', 'update_password', { value: 'x' })).toContain('scope_drift.unrequested_effect');
  });

  it('does not flag the kind of effect the task asked for, nor a first call', () => {
    expect(run('Pay my rent for May.', 'transfer_funds', { to_account: 'x', amount: 9 })).not.toContain('scope_drift.unrequested_effect');
    expect(run('Remove the draft document.', 'erase_document', { id: '1' })).not.toContain('scope_drift.unrequested_effect');
    const e = createDetectionEngine({});
    const first = e.assess(requestFor(event('erase_document', { task: { intent: 'Reply to Alice.' }, action: { args: { id: '1' } } })), T0);
    expect(first.prospective.map((f) => f.rule_id)).not.toContain('scope_drift.unrequested_effect');
  });
});
