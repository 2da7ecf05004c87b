/**
 * What rules see. The detection core builds one RuleContext per event (observe) or prospective
 * action (assess); the rules engine evaluates CEL conditions against it, with the variables
 * `event` and `session` (and `lists`, the policy's named lists). Field names here are part of the
 * policy contract: rules in YAML refer to them, so add fields freely but never rename one.
 */
export interface RuleEventView {
  readonly event_id: string;
  readonly ts: number;
  readonly kind: string;
  readonly tool: string;
  readonly operation: string;
  /** Data class of what the action reads/returns (catalog or event), 'public'..'secret'. */
  readonly data_class: string;
  /** 0 public .. 4 secret */
  readonly data_class_rank: number;
  readonly resource: string;
  /** Destination domain/address/account, or '' when none. */
  readonly destination: string;
  /** Destination is outside the organisation's domains. */
  readonly destination_external: boolean;
  /** The tool sends data out of the organisation (catalog egress or inferred). */
  readonly egress: boolean;
  /** Where the destination first appeared: 'intent' (task text), 'tool_output' (a previous result), 'unseen', 'internal', or 'none' (no destination). */
  readonly destination_provenance: string;
  /**
   * The same, finer: 'task', 'own' (the principal's own data), 'directory', 'system', 'third_party'
   * (content written by others), 'agent' (another agent's output), 'unseen', 'internal' or 'none'.
   */
  readonly destination_source: string;
  /** The tool whose output introduced the destination ('' when none). */
  readonly destination_source_tool: string;
  /** That output came from a call the task pointed the agent at (its arguments are named in the task). */
  readonly destination_pointed: boolean;
  /** How far this tool's output is trusted: 'system', 'own', 'directory', 'third_party' or 'agent'. */
  readonly output_trust: string;
  /** The session declares an envelope (scopes, allowed tools or destinations, a data ceiling). */
  readonly envelope_declared: boolean;
  /** The declared envelope covers this action (its scopes, or the allowed tools, allow it). */
  readonly envelope_covers: boolean;
  /**
   * The task asks to deliver something (send, reply, share, pay...) without writing any address,
   * link, account or number: the recipient is for the agent to look up. Worked out only when the
   * destination came from tool output (false otherwise).
   */
  readonly recipient_left_to_agent: boolean;
  readonly required_scopes: readonly string[];
  readonly task_scopes: readonly string[];
  /** Required scopes not held by the session's effective authority (delegation chain ∩ credential ∩ task). */
  readonly scopes_missing: readonly string[];
  /** Tool is inside task.allowed_tools (true when the task sets no allow-list). */
  readonly tool_allowed: boolean;
  /** data_class is above task.max_data_class. */
  readonly over_ceiling: boolean;
  readonly unknown_tool: boolean;
  readonly agent_id: string;
  readonly agent_type: string;
  readonly principal_sub: string;
  readonly delegation_depth: number;
  readonly injection_score: number;
  readonly user_approved: boolean;
  readonly outcome: string;
  /** Entities found in the tool arguments (never the raw arguments). */
  readonly arg_emails: readonly string[];
  readonly arg_urls: readonly string[];
  readonly arg_domains: readonly string[];
  readonly arg_ibans: readonly string[];
}

export interface RuleSessionView {
  /** Events observed before this one. */
  readonly events: number;
  readonly distinct_tools: number;
  readonly tainted: boolean;
  readonly max_data_class_rank: number;
  readonly last_tool: string;
  /** The last few tools, oldest first. */
  readonly recent_tools: readonly string[];
  readonly destinations: number;
  readonly external_sends: number;
  readonly principals: number;
  /** Rule ids of findings already active in the session. */
  readonly active_rules: readonly string[];
  /** Number of distinct entities (emails, urls, domains, ibans) that tool results introduced. */
  readonly tool_output_entities: number;
}

export interface RuleContext {
  readonly event: RuleEventView;
  readonly session: RuleSessionView;
}

/** A rule that fired, ready to become a Finding. */
export interface RuleMatch {
  readonly rule_id: string;
  readonly rule_version: number;
  /** Place in the order of a decision (see registry/detector-rules.ts). */
  readonly role: 'authority' | 'evidence' | 'heuristic' | 'context';
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly confidence: number;
  readonly message: string;
  readonly evidence_event_ids: readonly string[];
  readonly tags: readonly string[];
}
