/**
 * The CEL type of every field of the rule context (rule-context.ts). This table is what rules
 * are type-checked against at load, what the activation converts on each event, and what message
 * templates may cite. The `satisfies` clauses make the compiler fail when a field is added to
 * RuleEventView / RuleSessionView without being declared here.
 */
import type { RuleEventView, RuleSessionView } from '../rule-context';

export type CelFieldType = 'string' | 'int' | 'double' | 'bool' | 'list<string>';

export const EVENT_FIELDS = {
  event_id: 'string',
  ts: 'int',
  kind: 'string',
  tool: 'string',
  operation: 'string',
  data_class: 'string',
  data_class_rank: 'int',
  resource: 'string',
  destination: 'string',
  destination_external: 'bool',
  egress: 'bool',
  destination_provenance: 'string',
  destination_source: 'string',
  destination_source_tool: 'string',
  destination_pointed: 'bool',
  output_trust: 'string',
  envelope_declared: 'bool',
  envelope_covers: 'bool',
  recipient_left_to_agent: 'bool',
  required_scopes: 'list<string>',
  task_scopes: 'list<string>',
  scopes_missing: 'list<string>',
  tool_allowed: 'bool',
  over_ceiling: 'bool',
  unknown_tool: 'bool',
  agent_id: 'string',
  agent_type: 'string',
  principal_sub: 'string',
  delegation_depth: 'int',
  injection_score: 'double',
  user_approved: 'bool',
  outcome: 'string',
  arg_emails: 'list<string>',
  arg_urls: 'list<string>',
  arg_domains: 'list<string>',
  arg_ibans: 'list<string>',
} as const satisfies Record<keyof RuleEventView, CelFieldType>;

export const SESSION_FIELDS = {
  events: 'int',
  distinct_tools: 'int',
  tainted: 'bool',
  max_data_class_rank: 'int',
  last_tool: 'string',
  recent_tools: 'list<string>',
  destinations: 'int',
  external_sends: 'int',
  principals: 'int',
  active_rules: 'list<string>',
  tool_output_entities: 'int',
} as const satisfies Record<keyof RuleSessionView, CelFieldType>;

export type FieldTable = Readonly<Record<string, CelFieldType>>;
