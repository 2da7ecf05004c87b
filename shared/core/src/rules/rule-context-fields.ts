/**
 * The rule context's fields, written once: each field's CEL type and meaning. The TypeScript views
 * (rule-context.ts), the CEL types rules are checked against at load, the activation built on each
 * event (cel-environment.ts), message templates and the field tables of docs/rules.md all come from
 * these two tables. Field names are part of the policy contract: rules in YAML refer to them, so add
 * fields freely but never rename one.
 */

export type CelFieldType = 'string' | 'int' | 'double' | 'bool' | 'list<string>';

interface FieldSpec {
  readonly type: CelFieldType;
  readonly doc: string;
}

const f = <T extends CelFieldType>(type: T, doc: string): { readonly type: T; readonly doc: string } => ({ type, doc });

export const EVENT_FIELD_SPECS = {
  event_id: f('string', 'id of the event (evidence)'),
  ts: f('int', 'epoch ms'),
  kind: f('string', '`tool_call`, `data_access`, `delegation`, `auth`, `message`'),
  tool: f('string', 'tool name'),
  operation: f('string', '`read`, `write`, `delete`, `send`, `execute`, `delegate` (of a shell call: from what its command does)'),
  data_class: f('string', 'class of what the action reads/returns (catalog or event), `public` … `secret`'),
  data_class_rank: f('int', 'rank of data_class, 0 public … 4 secret'),
  resource: f('string', 'resource touched'),
  destination: f('string', "destination domain/address/account, `''` when none"),
  destination_external: f('bool', "destination outside the organisation's domains"),
  egress: f('bool', 'the tool (or the shell command) sends data out of the organisation'),
  destination_provenance: f('string', 'where the destination first appeared: `intent`, `tool_output`, `unseen`, `internal`, `none`'),
  destination_source: f('string', 'the same, finer: `task`, `own`, `directory`, `system`, `third_party`, `web`, `agent`, `unseen`, `internal`, `none`'),
  destination_source_tool: f('string', "the tool whose output introduced the destination (`''` when none)"),
  destination_pointed: f('bool', 'the task pointed the agent at the call whose output introduced the destination'),
  output_trust: f('string', "how far this tool's output is trusted (`system`, `own`, `directory`, `third_party`, `web`, `agent`)"),
  envelope_declared: f('bool', 'the session declares an envelope (scopes, allowed tools or destinations, a data ceiling)'),
  envelope_covers: f('bool', 'the declared envelope covers this action'),
  recipient_left_to_agent: f(
    'bool',
    'the task asks to deliver something (send, reply, share, pay...) without writing any address, link, account or number, and the destination came from tool output: the agent looked the recipient up as asked',
  ),
  required_scopes: f('list<string>', 'scopes the tool needs'),
  task_scopes: f('list<string>', "the task's scopes"),
  scopes_missing: f('list<string>', "required scopes not held by the session's effective authority (delegation chain ∩ credential ∩ task)"),
  tool_allowed: f('bool', 'the tool is inside task.allowed_tools (true when the task sets no allow-list)'),
  over_ceiling: f('bool', 'data_class is above task.max_data_class'),
  unknown_tool: f('bool', 'the tool is not in the catalog'),
  agent_id: f('string', 'acting workload'),
  agent_type: f('string', 'type of the acting agent'),
  principal_sub: f('string', 'the principal the agent acts for'),
  delegation_depth: f('int', 'depth in the delegation tree'),
  injection_score: f('double', "enforcement point's prompt-injection score, 0..1"),
  user_approved: f('bool', 'a human approved this action'),
  outcome: f('string', '`allowed`, `denied`, `error`'),
  arg_emails: f('list<string>', 'e-mail addresses found in the tool arguments (never the arguments)'),
  arg_urls: f('list<string>', 'URLs found in the tool arguments'),
  arg_domains: f('list<string>', 'domains found in the tool arguments'),
  arg_ibans: f('list<string>', 'IBANs found in the tool arguments'),
  shell_effects: f('list<string>', 'a shell call: what its command does, as `kind:detail` (`download_execute:pipe_to_interpreter`, `destruction:recursive_delete` …; empty for other tools)'),
  shell_executables: f('list<string>', 'a shell call: the executables its command runs (`curl`, `kubectl`, `/tmp/x.sh` …)'),
  shell_hosts: f('list<string>', 'a shell call: the hosts its command contacts'),
} as const;

export const SESSION_FIELD_SPECS = {
  events: f('int', 'events observed before this one'),
  distinct_tools: f('int', 'distinct tools used'),
  tainted: f('bool', 'sensitive data has entered the session'),
  max_data_class_rank: f('int', 'highest data class rank read'),
  last_tool: f('string', 'previous tool'),
  recent_tools: f('list<string>', 'the last few tools, oldest first'),
  destinations: f('int', 'distinct destinations'),
  external_sends: f('int', 'external sends so far'),
  principals: f('int', 'distinct principals served'),
  active_rules: f('list<string>', 'rule ids of findings already active in the session'),
  tool_output_entities: f('int', 'distinct entities (emails, urls, domains, ibans) that tool results introduced'),
} as const;

type TsType<T extends CelFieldType> = T extends 'string' ? string : T extends 'int' | 'double' ? number : T extends 'bool' ? boolean : readonly string[];

/** The TypeScript view of a field table. */
export type ViewOf<T extends Readonly<Record<string, FieldSpec>>> = { readonly [K in keyof T]: TsType<T[K]['type']> };

export type FieldTable = Readonly<Record<string, CelFieldType>>;

function types<T extends Readonly<Record<string, FieldSpec>>>(specs: T): { readonly [K in keyof T]: T[K]['type'] } {
  return Object.freeze(Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, v.type]))) as { readonly [K in keyof T]: T[K]['type'] };
}

/** Field → CEL type, for the compiler and message templates. */
export const EVENT_FIELDS = types(EVENT_FIELD_SPECS);
export const SESSION_FIELDS = types(SESSION_FIELD_SPECS);
