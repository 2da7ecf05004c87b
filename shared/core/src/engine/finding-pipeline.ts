/**
 * One pass of detection over an action: every detector, then the YAML rules, then the policy's
 * adjustments of detector-raised ids (disabled, exceptions, severity, confidence), so every
 * override reaches every finding whatever raised it.
 */
import type { DetectorContext, DetectorModule, FindingDraft } from '../detectors/detector';
import type { RuleContext } from '../rule-context';
import type { Interner } from '../state/interner';
import type { SessionState } from '../state/session-state';
import type { ActionView } from '../view/action-view';
import { buildRuleContext } from './rule-context-builder';
import type { RuleSetPort, SequenceStatePort } from './rule-set-port';

export type Mode = 'observe' | 'assess';

export class FindingPipeline {
  constructor(
    private readonly detectors: readonly DetectorModule[],
    private readonly ctx: DetectorContext,
    private readonly rules: RuleSetPort | undefined,
    private readonly names: Interner,
  ) {}

  run(view: ActionView, s: SessionState, outcome: string, mode: Mode): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const d of this.detectors) {
      const got = mode === 'observe' ? d.observe(view, this.ctx, s) : d.assess(view, this.ctx, s);
      for (const f of got) out.push(f);
    }
    const rules = this.rules;
    if (rules === undefined) return out;
    let seq = s.seq as SequenceStatePort | null;
    if (seq === null) seq = rules.newSequenceState();
    else if (mode === 'assess') seq = seq.clone();
    if (mode === 'observe') s.seq = seq;
    const ruleCtx = buildRuleContext(view, s, this.names, outcome);
    const adjusted = this.adjust(out, ruleCtx, rules);
    for (const m of rules.evaluate(ruleCtx, seq)) {
      adjusted.push({
        rule: m.rule_id,
        version: m.rule_version,
        detector: 'rules',
        severity: m.severity,
        confidence: m.confidence,
        message: m.message,
        evidence: m.evidence_event_ids,
        tags: m.tags,
        role: m.role,
        sticky: false,
      });
    }
    return adjusted;
  }

  /** Applies the policy's tuning of detector-raised ids. */
  private adjust(drafts: FindingDraft[], ruleCtx: RuleContext, rules: RuleSetPort): FindingDraft[] {
    let out: FindingDraft[] | null = null;
    for (let i = 0; i < drafts.length; i++) {
      const d = drafts[i]!;
      const t = rules.detectorTuning(d.rule);
      let keep: FindingDraft | null = d;
      if (t !== undefined) {
        if (!t.enabled || (t.hasExceptions && rules.excepted(d.rule, ruleCtx))) keep = null;
        else if (t.severity !== undefined || t.confidence !== undefined) keep = { ...d, severity: t.severity ?? d.severity, confidence: t.confidence ?? d.confidence };
      }
      if (keep !== d && out === null) out = drafts.slice(0, i);
      if (out !== null && keep !== null) out.push(keep);
    }
    return out ?? drafts;
  }
}
