/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
import { describe, expect, it } from 'vitest';
import type { FindingAlert, LevelAlert } from '../src/alerts/alert';
import { printable } from '../src/alerts/alert';
import { formatAlert, useColor } from '../src/alerts/alert-line';

const ts = new Date(2026, 11, 5, 14, 2, 7, 311).getTime();
const finding: FindingAlert = {
  kind: 'finding',
  ts,
  session_id: 'sess-7f3a',
  trace_id: 'trace-1',
  agent_type: 'support-assistant',
  level: 'critical',
  rule_id: 'privilege_laundering.confused_deputy',
  detector: 'privilege_laundering',
  message: "'payments.create_transfer' needs payments.write",
  evidence_event_ids: ['e1'],
};
const level: LevelAlert = {
  kind: 'level',
  ts,
  session_id: 'sess-7f3a',
  trace_id: 'trace-1',
  agent_type: 'support-assistant',
  from: 'medium',
  level: 'high',
  score: 71.6,
  decision: 'step_up',
  rule_id: 'scope_drift.tool_not_allowed',
};

describe('alert lines', () => {
  it('prints time, level, session, rule and reason on one plain line', () => {
    expect(formatAlert(finding, false)).toBe(
      "14:02:07.311 CRITICAL sess-7f3a  privilege_laundering.confused_deputy: 'payments.create_transfer' needs payments.write",
    );
    expect(formatAlert(level, false)).toBe('14:02:07.311 HIGH     sess-7f3a  level medium -> high (score 72, step_up; top: scope_drift.tool_not_allowed)');
  });

  it('colours the level on a terminal only', () => {
    const coloured = formatAlert(finding, true);
    expect(coloured).toContain('\x1b[1;97;41mCRITICAL\x1b[0m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(formatAlert(finding, false));
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('keeps agent-supplied text from rewriting the terminal or adding lines', () => {
    const hostile = { ...finding, session_id: 'sess\x1b[2J\x1b[1;1H-x\r\nFAKE 00:00:00 CRITICAL', message: 'a\u202eb\nc' };
    const line = formatAlert(hostile, false);
    expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('sess [2J [1;1H-x FAKE 00:00:00 CRITICAL');
    expect(printable('x'.repeat(300), 10)).toHaveLength(10);
  });
});
