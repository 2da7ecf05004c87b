/**
 * Unusual tool chaining: source-to-sink chains (sensitive data entered the session, then an
 * external send, an external write or an execution), rare transitions by the Markov model of the
 * agent type (surprise = −log P(next | prev)), and bursts of distinct new tools.
 */
import { DATA_CLASSES } from '@chainwatch/schemas';
import { pairsHas } from '../state/flat-map';
import type { SessionState } from '../state/session-state';
import { recipientLeftToAgent } from './effect-intent';
import { ASI, type ActionView, type DetectorContext, type DetectorModule, type FindingDraft } from './detector';

/** The action can carry data out of the session's trust boundary. */
export function isSink(a: ActionView): boolean {
  const act = a.action;
  if (act.egress) return true;
  if (act.operation === 'execute') return true;
  return (act.operation === 'send' || act.operation === 'write') && act.destinationExternal;
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const p = ctx.policy;
  const act = a.action;
  const taint = s.taint;
  if (taint !== null && taint.rank >= p.sensitive_rank && isSink(a)) {
    // A recipient the user named in the task is what the user asked for: still a chain, weakly. One
    // the task left to the agent to look up ("send the report to the client") is never high.
    const named = a.provenance.kind === 'intent';
    const lookedUp = !named && a.provenance.kind === 'tool_output' && recipientLeftToAgent(a, s);
    const high = taint.rank >= 3 && !named && !lookedUp;
    const where = act.destination !== '' ? ` to ${act.destination}` : '';
    out.push({
      rule: 'tool_chaining.sensitive_read_then_sink', version: 2, detector: 'tool_chaining',
      severity: named ? 'low' : high ? 'high' : 'medium', confidence: named ? 0.5 : act.destinationExternal ? 0.75 : 0.6,
      message: `${DATA_CLASSES[taint.rank] ?? 'sensitive'} data entered the session (events ${taint.ev.join(', ')}), then '${act.tool}' (${act.operation})${where}${named ? ', a recipient the task named' : lookedUp ? ', a recipient the task left to the agent to find' : ''}`,
      evidence: taint.ev, tags: [ASI.toolMisuse, ASI.goalHijack],
    });
  }
  const prev = s.lastTool();
  const model = ctx.models.get(a.agentType);
  if (model !== undefined && prev >= 0) {
    const prevName = ctx.names.name(prev);
    const support = model.support(prevName);
    if (support >= p.markov_min_support) {
      const surprise = model.surprise(prevName, act.tool);
      if (surprise >= p.markov_surprise_nats) {
        out.push({
          rule: 'tool_chaining.rare_transition', version: 1, detector: 'tool_chaining', severity: 'low',
          confidence: Math.min(0.9, 0.4 + (surprise - p.markov_surprise_nats) / 10),
          message: `transition '${prevName}' → '${act.tool}' is rare for agent type '${a.agentType}' (surprise ${surprise.toFixed(1)} nats over ${support} transitions)`,
          evidence: [], tags: [ASI.toolMisuse], once: `rare:${prevName}>${act.tool}`,
        });
      }
    }
  }
  const isNew = !pairsHas(s.toolCounts, a.toolId);
  if (isNew) {
    let inWindow = 1;
    for (const t of s.newToolTimes()) if (a.ts - t <= p.burst_window_ms) inWindow++;
    if (inWindow >= p.burst_tools) {
      out.push({
        rule: 'tool_chaining.tool_burst', version: 1, detector: 'tool_chaining', severity: 'low', confidence: 0.6,
        message: `${inWindow} distinct new tools within ${p.burst_window_ms} ms`,
        evidence: [], tags: [ASI.toolMisuse], once: `burst:${Math.floor(a.ts / p.burst_window_ms)}`,
      });
    }
  }
  return out;
}

export const toolChaining: DetectorModule = { name: 'tool_chaining', observe: inspect, assess: inspect };
