/**
 * Unusual tool chaining: sensitive data in the session, then a sink toward a party the task did
 * not sanction (a heuristic: where a declared envelope covers the sink, the envelope decides);
 * rare transitions by the Markov model of the agent type (surprise = −log P(next | prev)); bursts
 * of distinct new tools.
 */
import { DATA_CLASSES } from '@chainwatch/schemas';
import { hasTaskKey } from '../intent/intent-index';
import { INTENT_DELIVER_UNNAMED_KEY } from '../intent/task-asks';
import { untrustedOrigin } from '../provenance/argument-origin';
import { pairsHas } from '../state/flat-map';
import type { SessionState } from '../state/session-state';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';
import { isSink } from './sink';

/** The task sanctions the sink's destination: it named it, or it is the organisation's own or trusted data, or one the task left to lookup. */
function sanctioned(a: ActionView): boolean {
  const k = a.provenance.kind;
  if (k === 'task' || k === 'internal' || k === 'own' || k === 'directory' || k === 'system') return true;
  return untrustedOrigin(k) && hasTaskKey(a.taskKeys, INTENT_DELIVER_UNNAMED_KEY);
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const p = ctx.policy;
  const act = a.action;
  const taint = s.taint;
  if (taint !== null && taint.rank >= p.sensitive_rank && a.shell === null && isSink(a) && !a.envelope.covers && !sanctioned(a)) {
    const where = act.destination !== '' ? ` to ${act.destination}` : '';
    const high = taint.rank >= 3 && (a.provenance.kind === 'unseen' || untrustedOrigin(a.provenance.kind));
    out.push(
      draft('tool_chaining.sensitive_read_then_sink', {
        confidence: act.destinationExternal ? 0.75 : 0.6,
        severity: high ? 'high' : 'medium',
        message: `${DATA_CLASSES[taint.rank] ?? 'sensitive'} data entered the session (events ${taint.ev.join(', ')}), then '${act.tool}' (${act.operation})${where}`,
        evidence: taint.ev,
      }),
    );
  }
  const prev = s.lastTool();
  const model = ctx.models.get(a.agentType);
  if (model !== undefined && prev >= 0) {
    const prevName = ctx.names.name(prev);
    const support = model.support(prevName);
    if (support >= p.markov_min_support) {
      const surprise = model.surprise(prevName, act.tool);
      if (surprise >= p.markov_surprise_nats) {
        out.push(
          draft('tool_chaining.rare_transition', {
            confidence: Math.min(0.9, 0.4 + (surprise - p.markov_surprise_nats) / 10),
            message: `transition '${prevName}' → '${act.tool}' is rare for agent type '${a.agentType}' (surprise ${surprise.toFixed(1)} nats over ${support} transitions)`,
            once: `rare:${prevName}>${act.tool}`,
          }),
        );
      }
    }
  }
  if (!pairsHas(s.toolCounts, a.toolId)) {
    let inWindow = 1;
    for (const t of s.newToolTimes()) if (a.ts - t <= p.burst_window_ms) inWindow++;
    if (inWindow >= p.burst_tools) {
      out.push(
        draft('tool_chaining.tool_burst', {
          confidence: 0.6,
          message: `${inWindow} distinct new tools within ${p.burst_window_ms} ms`,
          once: `burst:${Math.floor(a.ts / p.burst_window_ms)}`,
        }),
      );
    }
  }
  return out;
}

export const chaining = detector('tool_chaining', inspect);
