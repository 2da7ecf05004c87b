import { describe, expect, it } from 'vitest';
import { MemoryLog } from '@chainwatch/kafka';
import { TOPICS } from '@chainwatch/schemas';
import { makeFinding, makeRiskSignal } from '@chainwatch/testing';
import type { Alert } from '../src/alerts/alert';
import { AlertFeed } from '../src/alerts/alert-feed';

describe('alert feed', () => {
  it('tells each rule once per session, and every level change after the session left low', () => {
    const alerts: Alert[] = [];
    const feed = new AlertFeed((a) => alerts.push(a));
    feed.onSignal(makeRiskSignal({ session_id: 's1', level: 'low', score: 5 }));
    feed.onFinding(makeFinding({ session_id: 's1', rule_id: 'r1', severity: 'high' }));
    feed.onFinding(makeFinding({ session_id: 's1', rule_id: 'r1', severity: 'high' }));
    feed.onFinding(makeFinding({ session_id: 's2', rule_id: 'r1', severity: 'medium' }));
    feed.onSignal(makeRiskSignal({ session_id: 's1', level: 'high', score: 75 }));
    feed.onSignal(makeRiskSignal({ session_id: 's1', level: 'high', score: 80 }));
    feed.onSignal(makeRiskSignal({ session_id: 's1', level: 'medium', score: 45 }));
    expect(alerts.map((a) => `${a.kind} ${a.session_id} ${a.level}${a.kind === 'level' ? ` from ${a.from}` : ` ${a.rule_id}`}`)).toEqual([
      'finding s1 high r1',
      'finding s2 medium r1',
      'level s1 high from low',
      'level s1 medium from high',
    ]);
  });

  it('forgets the oldest sessions past its bound', () => {
    const alerts: Alert[] = [];
    const feed = new AlertFeed((a) => alerts.push(a), { maxSessions: 2 });
    for (const s of ['a', 'b', 'c', 'a']) feed.onFinding(makeFinding({ session_id: s, rule_id: 'r' }));
    // 'a' was forgotten when 'c' came in, so its rule is told again.
    expect(alerts.map((a) => a.session_id)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('follows the in-process log, findings before the level change they caused, and skips records it cannot read', async () => {
    const log = new MemoryLog();
    const alerts: Alert[] = [];
    const sub = await new AlertFeed((a) => alerts.push(a)).attach(log);
    await log.publish(TOPICS.riskSignals, [{ key: 's', value: JSON.stringify(makeRiskSignal({ session_id: 's', level: 'critical', score: 95 })) }]);
    await log.publish(TOPICS.findings, [
      { key: 's', value: '{not json' },
      { key: 's', value: JSON.stringify({ rule_id: 'missing fields' }) },
      { key: 's', value: JSON.stringify(makeFinding({ session_id: 's', rule_id: 'exfil', severity: 'critical' })) },
    ]);
    await log.idle();
    await new Promise((r) => setImmediate(r));
    await sub.close();
    expect(alerts.map((a) => a.kind)).toEqual(['finding', 'level']);
  });
});
