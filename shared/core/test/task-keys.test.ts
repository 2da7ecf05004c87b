/**
 * The task's capability and text keys around the shortcuts the hot path takes: a text without '@'
 * or a link skips the blanking of addresses, one without '@' tests the party pattern without its
 * e-mail alternative, one without "digit.digit" looks for no IPv4 host.
 */
import { describe, expect, it } from 'vitest';
import { INTENT_DELIVER_UNNAMED_KEY, INTENT_NAMES_PARTY_KEY, taskCapabilityKeys, verbSlotWords } from '../src/intent/task-asks';
import { STOPWORDS, taskTextKeys, wordKey, wordsOf } from '../src/intent/task-words';
import { canonicalUrl, extractEntitiesFromText, hostOf } from '../src/catalog/extract-entities';
import { hasTaskKey, IntentIndex } from '../src/intent/intent-index';
import { hash52 } from '../src/state/hash';
import { pointedByTask } from '../src/provenance/task-pointer';

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

describe('the task pointing at a call', () => {
  it('agrees with reading every word of the value (the words are read one at a time and stop at the first unnamed one)', () => {
    // The whole-word reading, as pointedByTask did before it read words lazily.
    const reference = (args: Record<string, string>, task: readonly number[]): boolean =>
      Object.values(args).some((v) => {
        const text = v.trim();
        if (text === '' || text.length > 512) return false;
        if (text.includes('.') || text.includes('@')) {
          const e = extractEntitiesFromText(text);
          if (e.emails.some((x) => hasTaskKey(task, `e:${x}`))) return true;
          if (e.urls.some((u) => hasTaskKey(task, `u:${canonicalUrl(u)}`) || hasTaskKey(task, `d:${hostOf(u)}`))) return true;
          if (e.emails.length === 0 && e.domains.some((d) => hasTaskKey(task, `d:${d}`))) return true;
        }
        let named = 0;
        for (const w of wordsOf(text)) {
          if (w.length < 3 || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
          if (!hasTaskKey(task, wordKey(w))) return false;
          named++;
        }
        return named > 0;
      });
    const intent = 'Summarise the feedback.xlsx file in the general channel and email bob@corp.com the report from https://docs.example.com/q3';
    const task = new IntentIndex().hashes(intent) ?? [];
    const vocab = ['feedback', 'xlsx', 'general', 'channel', 'the', 'and', '42', 'report', 'REPORT', 'bob@corp.com', 'docs.example.com', 'https://docs.example.com/q3', 'ok', 'zz', 'unnamed', 'Ünïcode', 'K', 'İx', '-', '  ', '/', '2024'];
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    let agreed = 0;
    for (let i = 0; i < 4000; i++) {
      const words: string[] = [];
      for (let j = 0, n = 1 + (next() % 5); j < n; j++) words.push(vocab[next() % vocab.length] ?? '');
      const args = { channel: words.join(next() % 2 === 0 ? ' ' : '_') };
      const want = reference(args, task);
      expect(pointedByTask(args, task), JSON.stringify(args)).toBe(want);
      if (want) agreed++;
    }
    expect(agreed).toBeGreaterThan(100);
  });
});

describe('the task-key index', () => {
  it('holds the first distinct keys up to its cap, sorted, on both of its paths (few keys, more than the cap)', () => {
    const reference = (intent: string, maxKeys: number): readonly number[] | null => {
      const set = new Set<number>();
      for (const k of [...taskCapabilityKeys(intent), ...taskTextKeys(intent)]) {
        if (set.size >= maxKeys) break;
        set.add(hash52(k));
      }
      return set.size === 0 ? null : [...set].sort((x, y) => x - y);
    };
    const intents = [
      'Send the summary to bob@corp.com and post it in general',
      'Delete old builds in build/ and ~/.cache, then deploy to 10.0.4.7 and api.example.io',
      'Investigate issue #4842 in eltrista/el-notify: wrong pagination offset',
      'the the the report report',
      '!!!',
    ];
    for (const maxKeys of [64, 12, 5, 1]) {
      const ix = new IntentIndex(100, maxKeys);
      for (const t of intents) expect(ix.hashes(t), `${maxKeys}: ${t}`).toEqual(reference(t, maxKeys));
    }
  });
});
