import { describe, expect, it } from 'vitest';
import { MemoryLog } from '@chainwatch/kafka';
import { ConfigError } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { makeFinding, makeRiskSignal } from '@chainwatch/testing';
import { parseAlertsConfig, startAlerts } from '../src/alerts/start-alerts';

function sink() {
  const lines: string[] = [];
  return { lines, out: Object.assign(Object.create(process.stdout) as NodeJS.WriteStream, { isTTY: false, write: (c: string) => (lines.push(c), true) }) };
}

describe('start alerts', () => {
  it('prints each new finding, and nothing with --quiet', async () => {
    const log = new MemoryLog();
    const loud = sink();
    const quiet = sink();
    const config = parseAlertsConfig({}, {});
    const a = await startAlerts(log, config, { quiet: false, out: loud.out });
    const b = await startAlerts(log, config, { quiet: true, out: quiet.out });
    expect(a.description).toBe('findings: medium and above printed below');
    expect(b.description).toBe('findings: not printed (--quiet)');
    await log.publish(TOPICS.findings, [
      { key: 's', value: JSON.stringify(makeFinding({ session_id: 's', rule_id: 'r-0', severity: 'low' })) },
      { key: 's', value: JSON.stringify(makeFinding({ session_id: 's', rule_id: 'r-1', severity: 'high' })) },
    ]);
    await log.idle();
    await a.close();
    await b.close();
    expect(loud.lines).toHaveLength(1);
    expect(loud.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} HIGH +s {2}r-1: /);
    expect(quiet.lines).toEqual([]);
  });

  it('prints from a minimum severity, and a level change once it reaches it', async () => {
    const log = new MemoryLog();
    const out = sink();
    const a = await startAlerts(log, parseAlertsConfig({ printLevel: 'high' }, {}), { quiet: false, out: out.out });
    expect(a.description).toBe('findings: high and above printed below');
    await log.publish(TOPICS.findings, [
      { key: 's', value: JSON.stringify(makeFinding({ session_id: 's', rule_id: 'low-rule', severity: 'low' })) },
      { key: 's', value: JSON.stringify(makeFinding({ session_id: 's', rule_id: 'high-rule', severity: 'high' })) },
    ]);
    await log.publish(TOPICS.riskSignals, [{ key: 's', value: JSON.stringify(makeRiskSignal({ session_id: 's', level: 'medium', score: 45 })) }]);
    await log.publish(TOPICS.riskSignals, [{ key: 's', value: JSON.stringify(makeRiskSignal({ session_id: 's', level: 'critical', score: 95 })) }]);
    await log.idle();
    await new Promise((r) => setImmediate(r));
    await a.close();
    expect(out.lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      expect.stringMatching(/^HIGH +s {2}high-rule: /),
      expect.stringMatching(/^CRITICAL s {2}level medium -> critical/),
    ]);
  });

  it('takes the webhook from flags over the environment, and rejects a bad URL or level by name', () => {
    expect(parseAlertsConfig({ webhookUrl: 'https://hooks.example/x' }, { CHAINWATCH_WEBHOOK_URL: 'https://other.example/y' }).CHAINWATCH_WEBHOOK_URL).toBe('https://hooks.example/x');
    expect(parseAlertsConfig({}, {}).CHAINWATCH_WEBHOOK_MIN_LEVEL).toBe('high');
    // Low findings are context (a tool the catalog does not know): not printed unless asked for.
    expect(parseAlertsConfig({}, {}).CHAINWATCH_PRINT_LEVEL).toBe('medium');
    expect(parseAlertsConfig({ printLevel: 'low' }, {}).CHAINWATCH_PRINT_LEVEL).toBe('low');
    expect(() => parseAlertsConfig({ webhookUrl: 'file:///etc/passwd' }, {})).toThrow(ConfigError);
    expect(() => parseAlertsConfig({ webhookLevel: 'severe' }, {})).toThrow(/CHAINWATCH_WEBHOOK_MIN_LEVEL/);
  });
});
