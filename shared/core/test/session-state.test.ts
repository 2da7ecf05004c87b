import { describe, expect, it } from 'vitest';
import { CredentialIndex } from '../src/state/credential-index';
import { Interner, MAX_INTERNED } from '../src/state/interner';
import { SessionState, sessionFromJson, sessionToJson } from '../src/state/session-state';
import { SessionJsonSchema } from '../src/state/state-schema';

describe('SessionState packed fields', () => {
  it('starts with no agent type, no ceiling, nothing read', () => {
    const s = new SessionState('s', 't');
    expect([s.agentType, s.ceiling, s.maxRank, s.classMask]).toEqual([0, -1, -1, 0]);
  });

  it('keeps each packed field independent of the others', () => {
    const s = new SessionState('s', 't');
    s.agentType = MAX_INTERNED;
    s.ceiling = 4;
    s.classMask |= 1 << 4;
    s.classMask |= 1 << 0;
    s.maxRank = 3;
    expect([s.agentType, s.ceiling, s.maxRank, s.classMask]).toEqual([MAX_INTERNED, 4, 3, 0b10001]);
    s.ceiling = -1;
    s.agentType = 7;
    expect([s.agentType, s.ceiling, s.maxRank, s.classMask]).toEqual([7, -1, 3, 0b10001]);
    s.maxRank = 0;
    expect([s.agentType, s.ceiling, s.maxRank, s.classMask]).toEqual([7, -1, 0, 0b10001]);
  });

  it('round-trips through the compact JSON form', () => {
    const names = new Interner();
    const s = new SessionState('s', 't');
    s.agentType = names.id('coder');
    s.ceiling = 2;
    s.maxRank = 4;
    s.classMask = 0b11010;
    const json = SessionJsonSchema.parse(JSON.parse(JSON.stringify(sessionToJson(s, names))));
    expect(json).toMatchObject({ aty: 'coder', ceil: 2, mx: 4, cm: 0b11010 });
    const back = sessionFromJson(json, new Interner());
    expect([back.ceiling, back.maxRank, back.classMask]).toEqual([2, 4, 0b11010]);
    expect(sessionToJson(back, names)).toEqual(sessionToJson(s, names));
  });

  it('keeps what shell commands left for later calls (downloads, encrypted and created files), bounded', () => {
    const names = new Interner();
    const s = new SessionState('s', 't');
    s.recordDownload('f:/tmp/x.sh', 7);
    s.recordEncrypted('f:data.csv');
    for (let i = 0; i < 40; i++) s.recordMade(`f:/root/w${i}`);
    const json = SessionJsonSchema.parse(JSON.parse(JSON.stringify(sessionToJson(s, names))));
    const back = sessionFromJson(json, new Interner());
    expect(back.downloadOrigin('f:/tmp/x.sh')).toBe(7);
    expect(back.downloadOrigin('f:/tmp/y.sh')).toBe(-1);
    expect(back.wasEncrypted('f:data.csv')).toBe(true);
    expect(back.wasMade('f:/root/w39')).toBe(true);
    expect(back.wasMade('f:/root/w0')).toBe(false);
    expect(back.shellMade.length).toBeLessThanOrEqual(16);
  });

  it('keeps first and last times and the score exact, whatever their values', () => {
    const s = new SessionState('s', 't');
    expect([s.firstTs, s.lastTs, s.score]).toEqual([0, 0, 0]);
    s.lastTs = 1_767_225_600_000; // a delegation target learns a time before its first event
    s.firstTs = 1_767_225_599_000;
    expect([s.firstTs, s.lastTs]).toEqual([1_767_225_599_000, 1_767_225_600_000]);
    for (const last of [1_767_225_598_000, 1_767_225_599_000 + 40 * 86_400_000, 1_767_225_599_000.25, 645177253895676.6]) {
      s.lastTs = last;
      expect(s.lastTs).toBe(last);
      expect(s.firstTs).toBe(1_767_225_599_000);
    }
    for (const score of [0, 12.3, 99.9, 100, 33.333333333333336, -0, 1e-9]) {
      s.score = score;
      expect(Object.is(s.score, score)).toBe(true);
    }
    const json = sessionToJson(s, new Interner());
    const back = sessionFromJson(SessionJsonSchema.parse(JSON.parse(JSON.stringify(json))), new Interner());
    expect([back.firstTs, back.lastTs, back.score]).toEqual([s.firstTs, s.lastTs, s.score]);
  });

  it('caps interner ids at 16 bits', () => {
    const names = new Interner(1_000_000);
    for (let i = 0; i < MAX_INTERNED + 10; i++) names.id(`t${i}`);
    expect(names.size).toBe(MAX_INTERNED + 1);
    expect(names.id('one-more')).toBe(0);
  });
});

describe('CredentialIndex', () => {
  it('restores issued_at and expires_at exactly, also for lifetimes that are not small integers', () => {
    const idx = new CredentialIndex();
    idx.record('short', 1_767_225_600_000, 1_767_229_200_000, 's1', 'task', 'e1');
    idx.record('long', 1_700_000_000_000, 1_700_000_000_000 + 3 * 365 * 86_400_000, 's1', 'task', 'e2');
    idx.record('odd', 645177253895676.6, 0.000634095764964316, 's2', 'task', 'e3'); // a + (b - a) !== b
    expect(idx.get('short')).toMatchObject({ issuedAt: 1_767_225_600_000, expiresAt: 1_767_229_200_000, sessions: ['s1'], firstEvent: 'e1' });
    expect(idx.get('long')?.expiresAt).toBe(1_700_000_000_000 + 3 * 365 * 86_400_000);
    expect(idx.get('odd')).toMatchObject({ issuedAt: 645177253895676.6, expiresAt: 0.000634095764964316 });
  });

  it('evicts by expiry, oldest first, and forgets evicted tokens', () => {
    const idx = new CredentialIndex();
    idx.record('a', 0, 100.5, 's', 't', 'e');
    idx.record('b', 0, 1_000, 's', 't', 'e');
    idx.evictExpired(500);
    expect(idx.get('a')).toBeUndefined();
    expect(idx.get('b')?.expiresAt).toBe(1_000);
    expect(idx.size).toBe(1);
  });
});
