import type { RuleEventView, RuleSessionView } from '../src/rule-context';

/** A benign internal read: every field of the rule context, so a test states only what matters. */
export const BASE_EVENT: RuleEventView = {
  event_id: 'e-0',
  ts: 1_760_000_000_000,
  kind: 'tool_call',
  tool: 'noop',
  operation: 'read',
  data_class: 'internal',
  data_class_rank: 1,
  resource: '',
  destination: '',
  destination_external: false,
  egress: false,
  destination_provenance: 'none',
  destination_source: 'none',
  destination_source_tool: '',
  destination_pointed: false,
  output_trust: 'system',
  envelope_declared: false,
  envelope_covers: false,
  recipient_left_to_agent: false,
  required_scopes: [],
  task_scopes: [],
  scopes_missing: [],
  tool_allowed: true,
  over_ceiling: false,
  unknown_tool: false,
  agent_id: 'agent-a',
  agent_type: 'assistant',
  principal_sub: 'user-1',
  delegation_depth: 0,
  injection_score: 0,
  user_approved: false,
  outcome: 'allowed',
  arg_emails: [],
  arg_urls: [],
  arg_domains: [],
  arg_ibans: [],
};

export const BASE_SESSION: RuleSessionView = {
  events: 0,
  distinct_tools: 0,
  tainted: false,
  max_data_class_rank: 0,
  last_tool: '',
  recent_tools: [],
  destinations: 0,
  external_sends: 0,
  principals: 1,
  active_rules: [],
  tool_output_entities: 0,
};

export const ruleEvent = (overrides: Partial<RuleEventView> = {}): RuleEventView => ({ ...BASE_EVENT, ...overrides });
export const ruleSession = (overrides: Partial<RuleSessionView> = {}): RuleSessionView => ({ ...BASE_SESSION, ...overrides });
