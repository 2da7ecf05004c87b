import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_POLICY, ScoringPolicyError, parseScoringPolicy, scoreFindings, type ScoringPolicy } from '../src/index';

const f = (rule: string, sev: 'low' | 'medium' | 'high' | 'critical', conf: number, ts = 0, ev: string[] = ['e1']) => ({
  rule, ver: 1, det: 'data_flow' as const, sev, conf, ts, ev, msg: `${rule} fired`,
});

describe('noisy-OR scoring', () => {
  const policy: ScoringPolicy = DEFAULT_SCORING_POLICY;

  it('combines independent findings by noisy-OR of severity × confidence', () => {
    const w = policy.scoring.severity_weights;
    const r = scoreFindings([[f('a', 'high', 0.8), f('b', 'medium', 0.5)]], 0, policy);
    const expected = 100 * (1 - (1 - w.high * 0.8) * (1 - w.medium * 0.5));
    expect(r.score).toBeCloseTo(expected, 0);
  });

  it('counts only the strongest finding of a rule', () => {
    const one = scoreFindings([[f('a', 'high', 0.8)]], 0, policy);
    const many = scoreFindings([[f('a', 'high', 0.8), f('a', 'high', 0.5), f('a', 'low', 0.9)]], 0, policy);
    expect(many.score).toBe(one.score);
  });

  it('halves a finding\'s weight every half-life', () => {
    const fresh = scoreFindings([[f('a', 'critical', 1, 0)]], 0, policy).score;
    const old = scoreFindings([[f('a', 'critical', 1, 0)]], policy.scoring.half_life_ms, policy).score;
    expect(old).toBeCloseTo(fresh / 2, 0);
  });

  it('maps scores to levels and decisions by policy thresholds', () => {
    expect(scoreFindings([[]], 0, policy)).toMatchObject({ score: 0, level: 'low', decision: 'allow' });
    expect(scoreFindings([[f('a', 'high', 0.9)]], 0, policy)).toMatchObject({ level: 'high', decision: 'step_up' });
    expect(scoreFindings([[f('a', 'critical', 1), f('b', 'high', 0.9)]], 0, policy)).toMatchObject({ level: 'critical', decision: 'deny' });
  });

  it('explains the score with the top findings and their evidence, strongest first', () => {
    const r = scoreFindings([[f('weak', 'low', 0.5, 0, ['e1']), f('strong', 'critical', 0.9, 0, ['e2', 'e3'])]], 0, policy);
    expect(r.reasons.map((x) => x.rule_id)).toEqual(['strong', 'weak']);
    expect(r.reasons[0]?.evidence_event_ids).toEqual(['e2', 'e3']);
    expect(r.evidence).toEqual(['e2', 'e3', 'e1']);
  });

  it('parses a policy file and rejects inconsistent thresholds', () => {
    const p = parseScoringPolicy('version: 2\ndecisions: { step_up: 40, deny: 70 }\n');
    expect(p.decisions).toEqual({ step_up: 40, deny: 70 });
    expect(p.scoring.half_life_ms).toBe(DEFAULT_SCORING_POLICY.scoring.half_life_ms);
    expect(() => parseScoringPolicy('version: 2\ndecisions: { step_up: 90, deny: 70 }\n')).toThrow(ScoringPolicyError);
    expect(() => parseScoringPolicy('version: 2\nscoring: { bogus: 1 }\n')).toThrow(/scoring/);
  });
});
