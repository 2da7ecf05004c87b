/**
 * The task's capability and text keys around the shortcuts the hot path takes: a text without '@'
 * or a link skips the blanking of addresses, one without '@' tests the party pattern without its
 * e-mail alternative, one without "digit.digit" looks for no IPv4 host.
 */
import { describe, expect, it } from 'vitest';
import { INTENT_DELIVER_UNNAMED_KEY, INTENT_NAMES_PARTY_KEY, taskCapabilityKeys, verbSlotWords } from '../src/intent/task-asks';
import { taskTextKeys } from '../src/intent/task-words';
import { extractEntitiesFromText } from '../src/catalog/extract-entities';

describe('task keys', () => {
  it('blanks addresses and links, whatever their case, before reading verbs', () => {
    expect(verbSlotWords('Email bob@mail.test today')).toEqual(['email', 'today']);
    expect(verbSlotWords('Read HTTPS://Mail.Example.com/send now')).toEqual(['read', 'now']);
    expect(verbSlotWords('Check WWW.example.com/mail')).toEqual(['check']);
    expect(verbSlotWords('Send the summary to Bob')).toEqual(['send', 'the', 'summary', 'to', 'bob']);
  });

  it('knows when the task writes out a party: an address, a link, an IBAN or a phone number', () => {
    const named = (t: string): boolean => taskCapabilityKeys(t).includes(INTENT_NAMES_PARTY_KEY);
    expect(named('Send it to bob@mail.test')).toBe(true);
    expect(named('Send it to the link www.example.com/x')).toBe(true);
    expect(named('Pay DE89370400440532013000 the rent')).toBe(true);
    expect(named('Call +41 44 668 18 00 tomorrow')).toBe(true);
    expect(named('Send it to @bob on chat')).toBe(false);
    expect(named('Send the summary to the client')).toBe(false);
    expect(taskCapabilityKeys('Send the summary to the client')).toContain(INTENT_DELIVER_UNNAMED_KEY);
  });

  it('indexes IPv4 hosts only where the text has one', () => {
    expect(taskTextKeys('Deploy to 10.0.4.7 today')).toContain('d:10.0.4.7');
    expect(taskTextKeys('Bump version 2.7 and deploy')).not.toContain('d:2.7');
    expect(taskTextKeys('Deploy build 42 today').some((k) => k.startsWith('d:'))).toBe(false);
  });
});

describe('entities in a text', () => {
  it('finds bare domains in any case, and none in file names that end like no TLD', () => {
    expect(extractEntitiesFromText('deploy to api.Example.IO then ping build-3.example.net.').domains).toEqual(['api.example.io', 'build-3.example.net']);
    expect(extractEntitiesFromText('cat README.md src/app.ts tests/test_api.py').domains).toEqual([]);
    expect(extractEntitiesFromText('mail bob@corp.com about x.co-op and y.com').domains).toEqual(['corp.com', 'x.co', 'y.com']);
  });
});
