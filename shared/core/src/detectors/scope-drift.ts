/**
 * Scope drift: actions outside the task envelope (tool not allowed, data class above the ceiling,
 * destination not allowed), sudden growth of the tool set after a warm-up, and tools the agent
 * type's population profile has never used. Unknown tools (not in the catalog) are reported once
 * per tool per session at low severity.
 */
import { isOrgDomain } from '../catalog/resolve-action';
import { emailDomain, hostOf } from '../catalog/extract-entities';
import { INTENT_ACT_KEY, INTENT_PRESENT_KEY, intentCapabilityKeys } from '../engine/intent-keys';
import { pairsHas } from '../state/flat-map';
import type { SessionState } from '../state/session-state';
import { type EffectKind, INTENT_EFFECT_KEYS, effectKind } from './effect-intent';
import { ASI, type ActionView, type DetectorContext, type DetectorModule, type FindingDraft } from './detector';
import { DATA_CLASSES } from '@chainwatch/schemas';

function destinationAllowed(dest: string, allowed: readonly string[]): boolean {
  const domain = dest.includes('@') ? emailDomain(dest) : hostOf(dest);
  for (const a of allowed) {
    const x = a.toLowerCase();
    if (dest === x || domain === x || isOrgDomain(domain, [x])) return true;
  }
  return false;
}

/** The task intent exists and its words ask for no effect of this kind (see effect-intent). */
function effectNotRequested(a: ActionView, s: SessionState, kind: EffectKind): boolean {
  const key = INTENT_EFFECT_KEYS[kind];
  if (s.events > 0) return s.intentHas(INTENT_PRESENT_KEY) && !s.intentHas(key);
  const keys = intentCapabilityKeys(a.task?.intent);
  return keys.includes(INTENT_PRESENT_KEY) && !keys.includes(key);
}

const EFFECT_WORDS: Readonly<Record<EffectKind, string>> = { pay: 'moves money', delete: 'deletes or cancels something', credential: 'changes or shares credentials or security settings' };

/** The task intent exists and asks for no side effect (no action verb in the user's words). */
function readOnlyTask(a: ActionView, s: SessionState): boolean {
  if (s.events > 0) return s.intentHas(INTENT_PRESENT_KEY) && !s.intentHas(INTENT_ACT_KEY);
  const keys = intentCapabilityKeys(a.task?.intent);
  return keys.includes(INTENT_PRESENT_KEY) && !keys.includes(INTENT_ACT_KEY);
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const act = a.action;
  const p = ctx.policy;

  if (act.unknownTool) {
    out.push({
      rule: 'scope_drift.unknown_tool', version: 1, detector: 'scope_drift', severity: 'low', confidence: 0.3,
      message: `tool '${act.tool}' is not in the catalog; defaults inferred from its name (operation ${act.operation})`,
      evidence: [], tags: [ASI.toolMisuse], once: `unknown:${act.tool}`,
    });
  }
  const allowedTools = s.allowedTools;
  const taskTools = a.task?.allowed_tools;
  const toolAllowed = taskTools !== undefined ? taskTools.includes(act.tool) : allowedTools === null || allowedTools.includes(a.toolId);
  if (!toolAllowed) {
    out.push({
      rule: 'scope_drift.tool_not_allowed', version: 1, detector: 'scope_drift', severity: 'high', confidence: 0.9,
      message: `tool '${act.tool}' is outside the task's allowed tools`,
      evidence: [], tags: [ASI.toolMisuse, ASI.goalHijack], once: `tool_not_allowed:${act.tool}`,
    });
  }
  const ceiling = a.task?.max_data_class !== undefined ? DATA_CLASSES.indexOf(a.task.max_data_class) : s.ceiling;
  if (ceiling >= 0 && act.dataClassRank > ceiling && act.operation !== 'delegate') {
    out.push({
      rule: 'scope_drift.data_class_over_ceiling', version: 1, detector: 'scope_drift', severity: 'high', confidence: 0.85,
      message: `'${act.tool}' handles ${act.dataClass} data, above the task ceiling ${DATA_CLASSES[ceiling] ?? ceiling}`,
      evidence: [], tags: [ASI.privilegeAbuse], once: `ceiling:${act.tool}`,
    });
  }
  const allowedDest = a.task?.allowed_destinations ?? s.allowedDest;
  if (allowedDest != null && act.destinationExternal) {
    for (const d of act.destinations) {
      if (d === '' || d === 'internal') continue;
      if (!d.includes('@') && !d.includes('.') ) continue;
      if (!destinationAllowed(d, allowedDest)) {
        out.push({
          rule: 'scope_drift.destination_not_allowed', version: 1, detector: 'scope_drift', severity: 'high', confidence: 0.9,
          message: `'${act.tool}' targets ${d}, outside the task's allowed destinations`,
          evidence: [], tags: [ASI.goalHijack, ASI.toolMisuse], once: `dest_not_allowed:${d}`,
        });
        break;
      }
    }
  }
  // Tool-set growth after warm-up: several never-used tools within a short window of events.
  const isNewTool = !pairsHas(s.toolCounts, a.toolId);
  if (isNewTool && s.events >= p.warmup_events) {
    const windowStart = s.events - p.growth_window_events;
    let recentNew = 1;
    for (const n of s.newToolIndexes()) if (n >= windowStart) recentNew++;
    if (recentNew >= p.growth_new_tools) {
      out.push({
        rule: 'scope_drift.tool_set_growth', version: 1, detector: 'scope_drift', severity: 'medium', confidence: 0.6,
        message: `${recentNew} tools never used before appeared within ${p.growth_window_events} events after a warm-up of ${p.warmup_events}`,
        evidence: [], tags: [ASI.goalHijack], once: `growth:${Math.floor(s.events / p.growth_window_events)}`,
      });
    }
  }
  // Resource-set growth after warm-up: many resources never touched before within a short window.
  if (act.resource !== '' && s.events >= p.warmup_events && !s.hasResource(act.resource)) {
    const windowStart = s.events - p.growth_window_events;
    let recentNew = 1;
    for (const n of s.resourceFirstTouches()) if (n >= windowStart) recentNew++;
    if (recentNew >= p.growth_new_resources) {
      out.push({
        rule: 'scope_drift.resource_set_growth', version: 1, detector: 'scope_drift', severity: 'medium', confidence: 0.55,
        message: `${recentNew} resources never touched before within ${p.growth_window_events} events after a warm-up of ${p.warmup_events}`,
        evidence: [], tags: [ASI.goalHijack, ASI.toolMisuse], once: `rgrowth:${Math.floor(s.events / p.growth_window_events)}`,
      });
    }
  }
  // The task only asked for information, yet the agent changes, sends, deletes or runs something:
  // the envelope implied by the user's own words (goal hijack, ASI01).
  // Only after the session has read something: that is where injected instructions come from.
  const sideEffect = act.operation === 'send' || act.operation === 'write' || act.operation === 'delete' || act.operation === 'execute';
  if (sideEffect && s.events > 0 && readOnlyTask(a, s)) {
    out.push({
      rule: 'scope_drift.side_effect_in_read_only_task', version: 1, detector: 'scope_drift', severity: 'high', confidence: 0.8,
      message: `'${act.tool}' (${act.operation}) changes or sends something, but the task only asked for information`,
      evidence: [], tags: [ASI.goalHijack, ASI.toolMisuse], once: `readonly:${act.tool}`,
    });
  }
  // An effect of a kind the task never mentions (paying, deleting, changing credentials), after the
  // agent has read something: finer than the read-only check, it also covers tasks that ask for
  // some other change ("reply to Bob" does not ask for a payment).
  const kind = s.events > 0 ? effectKind(act) : null;
  if (kind !== null && effectNotRequested(a, s, kind)) {
    out.push({
      rule: 'scope_drift.unrequested_effect', version: 1, detector: 'scope_drift', severity: 'high', confidence: 0.8,
      message: `'${act.tool}' ${EFFECT_WORDS[kind]}, which the task did not ask for`,
      evidence: [], tags: [ASI.goalHijack, kind === 'credential' ? ASI.privilegeAbuse : ASI.toolMisuse], once: `effect:${kind}:${act.tool}`,
    });
  }
  // Population profile: a tool this agent type has never been seen using, once the profile is mature.
  const model = ctx.models.get(a.agentType);
  if (model !== undefined && model.sessions >= p.profile_min_sessions && !model.knows(act.tool)) {
    out.push({
      rule: 'scope_drift.outside_agent_profile', version: 1, detector: 'scope_drift', severity: 'medium', confidence: 0.5,
      message: `agent type '${a.agentType}' has not used '${act.tool}' in ${model.sessions} profiled sessions`,
      evidence: [], tags: [ASI.goalHijack, ASI.rogueAgent], once: `profile:${act.tool}`,
    });
  }
  return out;
}

export const scopeDrift: DetectorModule = { name: 'scope_drift', observe: inspect, assess: inspect };
