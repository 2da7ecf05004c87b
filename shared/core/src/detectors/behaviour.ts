/**
 * Behaviour measured against the task's words and the population (heuristics: they step up at
 * most, and the intent-word checks run only where no declared envelope speaks to the action):
 * a side effect in a task that asked only for information, an effect of a kind the task never
 * mentions (paying, deleting, changing credentials), growth of the tool or resource set after a
 * warm-up, a tool outside the agent type's profile. Unknown tools are reported as context.
 */
import { hasTaskKey } from '../intent/intent-index';
import { INTENT_ACT_KEY, INTENT_EFFECT_KEYS, INTENT_PRESENT_KEY, type EffectKind } from '../intent/task-asks';
import { pairsHas } from '../state/flat-map';
import type { SessionState } from '../state/session-state';
import { effectKind } from './effect-kind';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';

const EFFECT_WORDS: Readonly<Record<EffectKind, string>> = { pay: 'moves money', delete: 'deletes or cancels something', credential: 'changes or shares credentials or security settings' };

/** A declared envelope speaks to this action (scopes anywhere along the chain, or an allow-list): the words do not decide. */
function envelopeSpeaks(a: ActionView): boolean {
  return a.envelope.covers || a.envelope.coverage !== 'undeclared';
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const act = a.action;
  const p = ctx.policy;
  // A shell tool is recognised and judged by what its command does (detectors/shell.ts).
  if (act.unknownTool && a.shell === null) {
    out.push(
      draft('scope_drift.unknown_tool', {
        confidence: 0.3,
        message: `tool '${act.tool}' is not in the catalog; inferred operation ${act.operation}, output trust ${act.outputTrust}`,
        once: `unknown:${act.tool}`,
      }),
    );
  }
  const task = a.taskKeys;
  const op = act.operation;
  const sideEffect = op === 'send' || op === 'write' || op === 'delete' || op === 'execute';
  // Only after the session has read something: that is where injected instructions come from.
  if (s.events > 0 && a.shell === null && !envelopeSpeaks(a) && hasTaskKey(task, INTENT_PRESENT_KEY)) {
    if (sideEffect && !hasTaskKey(task, INTENT_ACT_KEY)) {
      out.push(
        draft('scope_drift.side_effect_in_read_only_task', {
          confidence: 0.8,
          message: `'${act.tool}' (${op}) changes or sends something, but the task only asked for information`,
          once: `readonly:${act.tool}`,
        }),
      );
    }
    const kind = effectKind(act);
    if (kind !== null && !hasTaskKey(task, INTENT_EFFECT_KEYS[kind])) {
      out.push(draft('scope_drift.unrequested_effect', { confidence: 0.8, message: `'${act.tool}' ${EFFECT_WORDS[kind]}, which the task did not ask for`, once: `effect:${kind}:${act.tool}` }));
    }
  }
  const isNewTool = !pairsHas(s.toolCounts, a.toolId);
  if (isNewTool && s.events >= p.warmup_events) {
    const windowStart = s.events - p.growth_window_events;
    let recentNew = 1;
    for (const n of s.newToolIndexes()) if (n >= windowStart) recentNew++;
    if (recentNew >= p.growth_new_tools) {
      out.push(
        draft('scope_drift.tool_set_growth', {
          confidence: 0.6,
          message: `${recentNew} tools never used before appeared within ${p.growth_window_events} events after a warm-up of ${p.warmup_events}`,
          once: `growth:${Math.floor(s.events / p.growth_window_events)}`,
        }),
      );
    }
  }
  if (act.resource !== '' && s.events >= p.warmup_events && !s.hasResource(act.resource)) {
    const windowStart = s.events - p.growth_window_events;
    let recentNew = 1;
    for (const n of s.resourceFirstTouches()) if (n >= windowStart) recentNew++;
    if (recentNew >= p.growth_new_resources) {
      out.push(
        draft('scope_drift.resource_set_growth', {
          confidence: 0.55,
          message: `${recentNew} resources never touched before within ${p.growth_window_events} events after a warm-up of ${p.warmup_events}`,
          once: `rgrowth:${Math.floor(s.events / p.growth_window_events)}`,
        }),
      );
    }
  }
  const model = ctx.models.get(a.agentType);
  if (model !== undefined && model.sessions >= p.profile_min_sessions && !model.knows(act.tool)) {
    out.push(
      draft('scope_drift.outside_agent_profile', {
        confidence: 0.5,
        message: `agent type '${a.agentType}' has not used '${act.tool}' in ${model.sessions} profiled sessions`,
        once: `profile:${act.tool}`,
      }),
    );
  }
  return out;
}

export const behaviour = detector('scope_drift', inspect);
