/**
 * Builds the RuleContext (rule-context.ts) the rules engine evaluates, from an ActionView and the
 * session state before the action. Every field is filled; nothing raw (arguments) leaks in beyond
 * the entities found in them.
 */
import { hasTaskKey } from '../intent/intent-index';
import { INTENT_DELIVER_UNNAMED_KEY } from '../intent/task-asks';
import type { Provenance } from '../state/session-state';
import type { ActionView } from '../view/action-view';
import type { ShellView } from '../shell/shell-view';
import type { RuleContext, RuleEventView, RuleSessionView } from '../rule-context';
import type { Interner } from '../state/interner';
import { pairsSize } from '../state/flat-map';
import type { SessionState } from '../state/session-state';

/** The rule context's coarse provenance values (kept for rules written against them). */
const COARSE: Readonly<Record<Provenance, string>> = {
  none: 'none',
  internal: 'internal',
  task: 'intent',
  own: 'tool_output',
  directory: 'tool_output',
  system: 'tool_output',
  third_party: 'tool_output',
  agent: 'tool_output',
  web: 'tool_output',
  unseen: 'unseen',
};

const NONE: readonly string[] = Object.freeze([]);

/** `kind:detail` of each effect, once each (analyses are cached, so is this). */
const effectLists = new WeakMap<object, readonly string[]>();
function shellEffects(v: ShellView): readonly string[] {
  // Most commands have no effect: no entry (a WeakMap insertion costs more than the list).
  if (v.analysis.effects.length === 0) return NONE;
  let out = effectLists.get(v.analysis);
  if (out === undefined) {
    out = Object.freeze([...new Set(v.analysis.effects.map((e) => `${e.kind}:${e.detail}`))]);
    effectLists.set(v.analysis, out);
  }
  return out;
}

export function buildRuleContext(a: ActionView, s: SessionState, names: Interner, outcome: string): RuleContext {
  const act = a.action;
  const env = a.envelope;
  const coarse = COARSE[a.provenance.kind];
  const event: RuleEventView = {
    event_id: a.eventId,
    ts: a.ts,
    kind: act.kind,
    tool: act.tool,
    operation: act.operation,
    data_class: act.dataClass,
    data_class_rank: act.dataClassRank,
    resource: act.resource,
    destination: act.destination,
    destination_external: act.destinationExternal,
    egress: act.egress,
    destination_provenance: coarse,
    destination_source: a.provenance.kind,
    destination_source_tool: a.provenance.source?.tool ?? '',
    destination_pointed: a.provenance.source?.pointed === true,
    output_trust: act.outputTrust,
    envelope_declared: env.declared,
    envelope_covers: env.covers,
    // Only matters for a destination that tool output supplied.
    recipient_left_to_agent: coarse === 'tool_output' && hasTaskKey(a.taskKeys, INTENT_DELIVER_UNNAMED_KEY),
    required_scopes: act.requiredScopes,
    task_scopes: a.task?.scopes ?? s.taskScopes ?? [],
    scopes_missing: env.scopesMissing,
    tool_allowed: env.toolAllowed,
    over_ceiling: env.overCeiling,
    unknown_tool: act.unknownTool,
    agent_id: a.agentId,
    agent_type: a.agentType,
    principal_sub: a.principal.sub,
    delegation_depth: s.events > 0 ? s.depth : a.principal.act.length,
    injection_score: a.context?.injection_score ?? 0,
    user_approved: a.context?.user_approved ?? false,
    outcome,
    arg_emails: act.argEntities.emails,
    arg_urls: act.argEntities.urls,
    arg_domains: act.argEntities.domains,
    arg_ibans: act.argEntities.ibans,
    shell_effects: a.shell === null ? NONE : shellEffects(a.shell),
    shell_executables: a.shell?.analysis.executables ?? NONE,
    shell_hosts: a.shell?.analysis.hosts ?? NONE,
  };
  const session: RuleSessionView = {
    events: s.events,
    distinct_tools: s.distinctTools(),
    tainted: s.taint !== null,
    max_data_class_rank: s.maxRank,
    last_tool: s.recent.length > 0 ? names.name(s.lastTool()) : '',
    recent_tools: s.recent.map((t) => names.name(t)),
    destinations: pairsSize(s.dests),
    external_sends: s.externalSends,
    principals: Math.max(s.principalCount(), 1),
    active_rules: s.findings.map((f) => f.rule),
    tool_output_entities: pairsSize(s.outEnt),
  };
  return { event, session };
}
