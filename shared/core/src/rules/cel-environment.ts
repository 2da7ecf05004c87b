/**
 * The CEL environment rules are compiled in: typed `event` and `session` variables (so a typo in
 * a field name is a load error, not a silent no-match), the policy's named lists as a typed
 * constant `lists`, and a few helper functions. Also builds the per-event activation: CEL
 * distinguishes int from double, so integer fields become BigInt here, once per event.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { RuleContext, RuleEventView, RuleSessionView } from '../rule-context';
import { EVENT_FIELDS, SESSION_FIELDS, type FieldTable } from './rule-context-fields';

/** Small BigInts, shared: counters and ranks are small, and this keeps them allocation-free. */
const SMALL_INTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** CEL integers are BigInt; a non-integer is passed through and CEL reports a type error on use. */
const int = (v: number): bigint | number =>
  v >= 0 && v < 1024 && (v | 0) === v ? (SMALL_INTS[v] as bigint) : Number.isSafeInteger(v) ? BigInt(v) : v;

/**
 * What CEL sees as `event`. Written out field by field (one stable hidden class, no per-field
 * lookups): the activation is built once per event, on the hot path. A compile-time check below
 * fails when RuleEventView gains a field this class does not copy.
 */
class CelEvent {
  readonly event_id: string;
  readonly ts: bigint | number;
  readonly kind: string;
  readonly tool: string;
  readonly operation: string;
  readonly data_class: string;
  readonly data_class_rank: bigint | number;
  readonly resource: string;
  readonly destination: string;
  readonly destination_external: boolean;
  readonly egress: boolean;
  readonly destination_provenance: string;
  readonly destination_source: string;
  readonly destination_source_tool: string;
  readonly destination_pointed: boolean;
  readonly output_trust: string;
  readonly envelope_declared: boolean;
  readonly envelope_covers: boolean;
  readonly recipient_left_to_agent: boolean;
  readonly required_scopes: readonly string[];
  readonly task_scopes: readonly string[];
  readonly scopes_missing: readonly string[];
  readonly tool_allowed: boolean;
  readonly over_ceiling: boolean;
  readonly unknown_tool: boolean;
  readonly agent_id: string;
  readonly agent_type: string;
  readonly principal_sub: string;
  readonly delegation_depth: bigint | number;
  readonly injection_score: number;
  readonly user_approved: boolean;
  readonly outcome: string;
  readonly arg_emails: readonly string[];
  readonly arg_urls: readonly string[];
  readonly arg_domains: readonly string[];
  readonly arg_ibans: readonly string[];

  constructor(e: RuleEventView) {
    this.event_id = e.event_id;
    this.ts = int(e.ts);
    this.kind = e.kind;
    this.tool = e.tool;
    this.operation = e.operation;
    this.data_class = e.data_class;
    this.data_class_rank = int(e.data_class_rank);
    this.resource = e.resource;
    this.destination = e.destination;
    this.destination_external = e.destination_external;
    this.egress = e.egress;
    this.destination_provenance = e.destination_provenance;
    this.destination_source = e.destination_source;
    this.destination_source_tool = e.destination_source_tool;
    this.destination_pointed = e.destination_pointed;
    this.output_trust = e.output_trust;
    this.envelope_declared = e.envelope_declared;
    this.envelope_covers = e.envelope_covers;
    this.recipient_left_to_agent = e.recipient_left_to_agent;
    this.required_scopes = e.required_scopes;
    this.task_scopes = e.task_scopes;
    this.scopes_missing = e.scopes_missing;
    this.tool_allowed = e.tool_allowed;
    this.over_ceiling = e.over_ceiling;
    this.unknown_tool = e.unknown_tool;
    this.agent_id = e.agent_id;
    this.agent_type = e.agent_type;
    this.principal_sub = e.principal_sub;
    this.delegation_depth = int(e.delegation_depth);
    this.injection_score = e.injection_score;
    this.user_approved = e.user_approved;
    this.outcome = e.outcome;
    this.arg_emails = e.arg_emails;
    this.arg_urls = e.arg_urls;
    this.arg_domains = e.arg_domains;
    this.arg_ibans = e.arg_ibans;
  }
}

/** What CEL sees as `session` (see CelEvent). */
class CelSession {
  readonly events: bigint | number;
  readonly distinct_tools: bigint | number;
  readonly tainted: boolean;
  readonly max_data_class_rank: bigint | number;
  readonly last_tool: string;
  readonly recent_tools: readonly string[];
  readonly destinations: bigint | number;
  readonly external_sends: bigint | number;
  readonly principals: bigint | number;
  readonly active_rules: readonly string[];
  readonly tool_output_entities: bigint | number;

  constructor(s: RuleSessionView) {
    this.events = int(s.events);
    this.distinct_tools = int(s.distinct_tools);
    this.tainted = s.tainted;
    this.max_data_class_rank = int(s.max_data_class_rank);
    this.last_tool = s.last_tool;
    this.recent_tools = s.recent_tools;
    this.destinations = int(s.destinations);
    this.external_sends = int(s.external_sends);
    this.principals = int(s.principals);
    this.active_rules = s.active_rules;
    this.tool_output_entities = int(s.tool_output_entities);
  }
}

// Compile-time check that the classes above carry every field of the views.
type Covers<View, Cel> = [Exclude<keyof View, keyof Cel>] extends [never] ? true : false;
const coversEvent: Covers<RuleEventView, CelEvent> = true;
const coversSession: Covers<RuleSessionView, CelSession> = true;
void coversEvent;
void coversSession;

class CelLists {
  constructor(src: Readonly<Record<string, readonly string[]>>) {
    Object.assign(this, src);
  }
}

export interface Activation {
  readonly event: CelEvent;
  readonly session: CelSession;
}

export function buildActivation(ctx: RuleContext): Activation {
  return { event: new CelEvent(ctx.event), session: new CelSession(ctx.session) };
}

/** Domain or e-mail `value` equals an entry of `domains` or is a subdomain of one (case-insensitive). */
export function matchesDomain(value: string, domains: readonly string[]): boolean {
  if (value === '' || domains.length === 0) return false;
  const at = value.lastIndexOf('@');
  // An address, a host, or a URL (canonical host/path, or with a scheme): compare hosts.
  let host = (at >= 0 ? value.slice(at + 1) : value).toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const cut = host.search(/[/?#:]/);
  if (cut >= 0) host = host.slice(0, cut);
  for (const d of domains) {
    const dom = d.toLowerCase();
    if (host === dom || (host.length > dom.length && host.endsWith(dom) && host.charCodeAt(host.length - dom.length - 1) === 46)) {
      return true;
    }
  }
  return false;
}

/** Needle lists lowercased once: they are almost always the policy's constant lists. */
const loweredNeedles = new WeakMap<readonly string[], readonly string[]>();

function containsAny(value: string, needles: readonly string[]): boolean {
  if (value === '' || needles.length === 0) return false;
  let lowered = loweredNeedles.get(needles);
  if (lowered === undefined) {
    lowered = needles.map((n) => n.toLowerCase()).filter((n) => n !== '');
    // Only frozen lists (the policy's) are cached: a mutable list could change under the cache.
    if (Object.isFrozen(needles)) loweredNeedles.set(needles, lowered);
  }
  const v = value.toLowerCase();
  for (const n of lowered) if (v.includes(n)) return true;
  return false;
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

/** Functions available to rules, beyond CEL's standard library. Documented in docs/rules.md. */
export const RULE_FUNCTIONS = [
  'intersects(list<string>, list<string>): bool',
  'matches_domain(string, list<string>): bool',
  'contains_any(string, list<string>): bool',
] as const;

function toTypeFields(table: FieldTable): Record<string, string> {
  return { ...table };
}

/** One environment per rule set: the `lists` constant's type has one field per list. */
export function createRuleEnvironment(lists: ReadonlyMap<string, readonly string[]>): Environment {
  const listFields: Record<string, string> = {};
  const listValues: Record<string, readonly string[]> = {};
  for (const [name, items] of lists) {
    listFields[name] = 'list<string>';
    listValues[name] = Object.freeze([...items]);
  }
  return new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true })
    .registerType('RuleEvent', { ctor: CelEvent, fields: toTypeFields(EVENT_FIELDS) })
    .registerType('RuleSession', { ctor: CelSession, fields: toTypeFields(SESSION_FIELDS) })
    .registerType('RuleLists', { ctor: CelLists, fields: listFields })
    .registerVariable('event', 'RuleEvent')
    .registerVariable('session', 'RuleSession')
    .registerConstant('lists', 'RuleLists', new CelLists(listValues))
    .registerFunction(RULE_FUNCTIONS[0], intersects)
    .registerFunction(RULE_FUNCTIONS[1], matchesDomain)
    .registerFunction(RULE_FUNCTIONS[2], containsAny);
}

/** Names a macro or list may not take: CEL variables, literals, keywords and helper functions. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'event', 'session', 'lists', 'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue',
  'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var',
  'void', 'while', 'has', 'size', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'list', 'map',
  'type', 'dyn', 'null_type', 'timestamp', 'duration', 'cel',
  'intersects', 'matches_domain', 'contains_any',
]);
