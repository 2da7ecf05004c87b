/**
 * Builds the RuleContext (rule-context.ts) the rules engine evaluates, from an ActionView and the
 * session state before the action. Every field is filled; nothing raw (arguments) leaks in beyond
 * the entities found in them.
 */
import type { ActionView } from '../detectors/detector';
import { recipientLeftToAgent } from '../detectors/effect-intent';
import type { RuleContext, RuleEventView, RuleSessionView } from '../rule-context';
import type { Interner } from '../state/interner';
import { pairsSize } from '../state/flat-map';
import type { SessionState } from '../state/session-state';

export function buildRuleContext(a: ActionView, s: SessionState, names: Interner, outcome: string): RuleContext {
  const act = a.action;
  const allowed = a.task?.allowed_tools;
  const toolAllowed = allowed !== undefined ? allowed.includes(act.tool) : s.allowedTools === null || s.allowedTools.includes(a.toolId);
  const ceilingName = a.task?.max_data_class;
  const ceiling = ceilingName !== undefined ? ['public', 'internal', 'confidential', 'restricted', 'secret'].indexOf(ceilingName) : s.ceiling;
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
    destination_provenance: a.provenance.kind,
    // Only matters (and is only worked out) for a destination that tool output supplied.
    recipient_left_to_agent: a.provenance.kind === 'tool_output' && recipientLeftToAgent(a, s),
    required_scopes: act.requiredScopes,
    task_scopes: a.task?.scopes ?? s.taskScopes ?? [],
    scopes_missing: a.scopesMissing,
    tool_allowed: toolAllowed,
    over_ceiling: ceiling >= 0 && act.dataClassRank > ceiling,
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
    principals: Math.max(s.allPrincipals().length, 1),
    active_rules: s.findings.map((f) => f.rule),
    tool_output_entities: pairsSize(s.outEnt),
  };
  return { event, session };
}
