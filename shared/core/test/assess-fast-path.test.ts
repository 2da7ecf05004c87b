/**
 * The request path's fast paths against the code they replaced: decide() without maps, spreads
 * or closures (reference: the previous implementation, kept here), prospective findings without
 * copies (reference: draftToActive), and prospective findings published on first read.
 */
import { describe, expect, it } from 'vitest';
import type { Decision, Reason } from '@chainwatch/schemas';
import { decide } from '../src/decision/decide';
import { draft, type FindingDraft } from '../src/detectors/detector';
import { draftToActive, prospectiveFinding, publishFinding } from '../src/engine/to-active';
import { DETECTOR_RULES } from '../src/registry/detector-rules';
import { DEFAULT_SCORING_POLICY, type ScoringPolicy } from '../src/scoring/scoring-policy';
import { findingWeight, levelOf, type ScoreResult } from '../src/scoring/score';
import type { ActiveFinding } from '../src/state/session-state';
import { createDetectionEngine, loadDefaultPolicy } from '../src/index';
import { intersectScopes } from '../src/authority/envelope';
import { CredentialIndex } from '../src/state/credential-index';
import { T0, event, requestFor } from './event-builder';

/** decide() as it was before the request-path work (maps, spreads, filter and sort). */
function referenceDecide(groups: ReadonlyArray<readonly ActiveFinding[]>, now: number, policy: ScoringPolicy): ScoreResult {
  const best = new Map<string, { f: ActiveFinding; w: number }>();
  for (const list of groups) {
    for (const f of list) {
      const w = findingWeight(f, now, policy);
      const cur = best.get(f.rule);
      if (cur === undefined || w > cur.w) best.set(f.rule, { f, w });
    }
  }
  const items = [...best.values()];
  const noisyOr = (keep: (f: ActiveFinding) => boolean): number => {
    let rest = 1;
    for (const x of items) if (keep(x.f)) rest *= 1 - Math.min(1, x.w);
    return 1 - rest;
  };
  const order: Record<string, number> = { authority: 0, evidence: 1, heuristic: 2, context: 3 };
  const authority = items.some((x) => x.f.role === 'authority' && x.w > 0);
  const evidence = noisyOr((f) => f.role === 'evidence' || f.role === undefined) * 100;
  const weighed = noisyOr((f) => f.role !== 'context' && f.role !== 'authority') * 100;
  const all = noisyOr(() => true) * 100;
  const d = policy.decisions;
  let decision: Decision = 'allow';
  if (authority || evidence >= d.deny) decision = 'deny';
  else if (weighed >= d.step_up) decision = 'step_up';
  const floor = decision === 'deny' ? d.deny : decision === 'step_up' ? d.step_up : 0;
  const score = Math.round(Math.max(all * 10, floor * 10)) / 10;
  const ranked = items
    .filter((x) => x.w > 0.001)
    .sort((a, b) => (order[a.f.role ?? 'evidence'] ?? 1) - (order[b.f.role ?? 'evidence'] ?? 1) || b.w - a.w || (a.f.rule < b.f.rule ? -1 : 1));
  const reasons: Reason[] = [];
  const evidenceIds: string[] = [];
  for (const { f, w } of ranked.slice(0, policy.scoring.top_reasons)) {
    reasons.push({ rule_id: f.rule, rule_version: f.ver, detector: f.det, severity: f.sev, message: f.msg, evidence_event_ids: f.ev.slice(0, 16), contribution: Math.round(Math.min(1, w) * 1000) / 10 });
    for (const e of f.ev) if (!evidenceIds.includes(e) && evidenceIds.length < 16) evidenceIds.push(e);
  }
  return { score, level: levelOf(score, policy), decision, reasons, evidence: evidenceIds };
}

/** A small deterministic generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = [undefined, 'authority', 'evidence', 'heuristic', 'context'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const FROZEN_EMPTY: readonly string[] = Object.freeze([]);

function randomFinding(rnd: () => number, now: number): ActiveFinding {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const nEv = pick([0, 0, 1, 2, 20]);
  const ev = nEv === 0 ? FROZEN_EMPTY : Array.from({ length: nEv }, () => `e${Math.floor(rnd() * 30)}`);
  // Coarse confidences and ages, so equal weights (ties broken by rule id) happen often.
  return {
    rule: `rule.${Math.floor(rnd() * 12)}`,
    ver: 1,
    det: 'data_flow',
    sev: pick(SEVERITIES),
    conf: pick([0, 0.0005, 0.5, 0.8, 0.95, 1]),
    ts: now - pick([0, 0, 60_000, 3_600_000, 86_400_000]),
    ev,
    msg: 'm',
    role: pick(ROLES),
  };
}

describe('the request path against the code it replaced', () => {
  it('decide() answers as the previous implementation on random finding sets', () => {
    const rnd = prng(42);
    const now = T0;
    const policies: ScoringPolicy[] = [DEFAULT_SCORING_POLICY, { ...DEFAULT_SCORING_POLICY, scoring: { ...DEFAULT_SCORING_POLICY.scoring, top_reasons: 2 } }];
    for (let round = 0; round < 3000; round++) {
      const groups = [0, 1].map(() => Array.from({ length: Math.floor(rnd() * 14) }, () => randomFinding(rnd, now)));
      for (const policy of policies) expect(decide(groups, now, policy)).toEqual(referenceDecide(groups, now, policy));
    }
    expect(decide([[], []], now, DEFAULT_SCORING_POLICY)).toEqual(referenceDecide([[], []], now, DEFAULT_SCORING_POLICY));
  });

  it('a prospective finding has the fields and values draftToActive gives it without an event', () => {
    const long = Array.from({ length: 20 }, (_, i) => `ev-${i}`);
    const drafts: FindingDraft[] = [
      draft('scope_drift.tool_not_allowed', { confidence: 0.95, message: 'tool outside', once: 'k' }),
      draft('tool_chaining.sensitive_read_then_sink', { confidence: 1.4, message: `data ${'x'.repeat(3)} then`, evidence: ['a', 'b'] }),
      draft('tool_chaining.sensitive_read_then_sink', { confidence: -1, message: 'long', evidence: long }),
    ];
    expect(DETECTOR_RULES.find((r) => r.id === 'credential_hygiene.token_reuse')?.sticky).toBe(true);
    drafts.push(draft('credential_hygiene.token_reuse', { confidence: 0.9, message: 'sticky' }));
    for (const d of drafts) {
      const fast = prospectiveFinding(d, T0);
      expect(fast).toEqual(draftToActive(d, '', T0));
      expect(fast.stk === true).toBe(d.sticky);
      expect(publishFinding(fast, d, 's', 't', 'a')).toEqual(publishFinding(draftToActive(d, '', T0), d, 's', 't', 'a'));
    }
  });

  it('publishes the prospective findings on first read, once, and serialises them in the contract order', () => {
    const { catalog, policy, rules } = loadDefaultPolicy();
    const engine = createDetectionEngine({ catalog, policy, rules });
    const task = { intent: 'summarise the project folder', scopes: ['files.read'], allowed_tools: ['read_file'], allowed_destinations: ['internal'] };
    engine.observe(event('read_file', { task, action: { data_class: 'confidential', args: { path: 'a.md' } } }));
    const req = requestFor(event('send_email', { ts: T0 + 1000, task, action: { args: { to: 'x@elsewhere.example', body: 'notes' } } }));
    const r = engine.assess(req, T0 + 1000);
    expect(r.decision).toBe('deny');
    const first = r.prospective;
    expect(first.length).toBeGreaterThan(1);
    expect(r.prospective).toBe(first);
    expect(first.map((f) => f.rule_id)).toEqual(expect.arrayContaining(['scope_drift.tool_not_allowed', 'scope_drift.destination_not_allowed']));
    for (const f of first) expect(f.finding_id).toMatch(/^f-[0-9a-f]{16}$/);
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['score', 'level', 'decision', 'reasons', 'prospective', 'evidenceEventIds', 'knownSession']);
    expect(json.prospective).toEqual(first);
    // A second engine in the same state publishes the same findings (ids are content hashes).
    const again = createDetectionEngine({ catalog, policy, rules });
    again.restore(engine.checkpoint('t-1')!);
    expect(again.assess(req, T0 + 1000).prospective).toEqual(first);
  });

  it('intersectScopes() gives what a filter gave, and allocates nothing when the second set holds the first', () => {
    const rnd = prng(7);
    const words = ['a', 'b', 'c', 'd', 'e'];
    for (let round = 0; round < 2000; round++) {
      const a = words.filter(() => rnd() < 0.5);
      const b = words.filter(() => rnd() < 0.6);
      const got = intersectScopes(a, b);
      expect(got).toEqual(a.filter((x) => b.includes(x)));
      if (a.every((x) => b.includes(x))) expect(got).toBe(a);
    }
    expect(intersectScopes(null, ['a'])).toEqual(['a']);
    expect(intersectScopes(['a'], null)).toEqual(['a']);
  });

  it('CredentialIndex.reuse() answers as the lists of get() did', () => {
    const rnd = prng(11);
    const ids = ['', 's1', 's2', 's3', 's4', 's5'];
    for (let round = 0; round < 500; round++) {
      const index = new CredentialIndex();
      const uses = Math.floor(rnd() * 7);
      for (let i = 0; i < uses; i++) index.record('tok', T0, T0 + 60_000, ids[1 + Math.floor(rnd() * 5)]!, ids[Math.floor(rnd() * 6)]!, i === 0 ? 'ev-1' : 'ev-x');
      const sid = ids[1 + Math.floor(rnd() * 5)]!;
      const task = rnd() < 0.2 ? undefined : ids[Math.floor(rnd() * 6)]!;
      const use = index.get('tok');
      const others = use?.sessions.filter((x) => x !== sid) ?? [];
      const otherTasks = use !== undefined && task !== undefined ? use.tasks.filter((x) => x !== task) : [];
      const fast = index.reuse('tok', sid, task);
      if (others.length === 0) expect(fast).toBeNull();
      else expect(fast).toEqual({ session: others[0], task: otherTasks[0], firstEvent: use!.firstEvent });
    }
  });
});
