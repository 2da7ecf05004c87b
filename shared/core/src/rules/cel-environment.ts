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
 * What CEL sees as `event`: the fields of rule-context-fields.ts, built once per event on the hot
 * path. Written out field by field, in the table's order: named stores give every instance one
 * hidden class and cost a fraction of a loop of keyed stores (the activation was a tenth of
 * observe). A test checks the fields and their order against the table.
 */
class CelEvent {
  constructor(e: RuleEventView) {
    const o = this as unknown as Record<keyof RuleEventView, unknown>;
    o.event_id = e.event_id;
    o.ts = int(e.ts);
    o.kind = e.kind;
    o.tool = e.tool;
    o.operation = e.operation;
    o.data_class = e.data_class;
    o.data_class_rank = int(e.data_class_rank);
    o.resource = e.resource;
    o.destination = e.destination;
    o.destination_external = e.destination_external;
    o.egress = e.egress;
    o.destination_provenance = e.destination_provenance;
    o.destination_source = e.destination_source;
    o.destination_source_tool = e.destination_source_tool;
    o.destination_pointed = e.destination_pointed;
    o.output_trust = e.output_trust;
    o.envelope_declared = e.envelope_declared;
    o.envelope_covers = e.envelope_covers;
    o.recipient_left_to_agent = e.recipient_left_to_agent;
    o.required_scopes = e.required_scopes;
    o.task_scopes = e.task_scopes;
    o.scopes_missing = e.scopes_missing;
    o.tool_allowed = e.tool_allowed;
    o.over_ceiling = e.over_ceiling;
    o.unknown_tool = e.unknown_tool;
    o.agent_id = e.agent_id;
    o.agent_type = e.agent_type;
    o.principal_sub = e.principal_sub;
    o.delegation_depth = int(e.delegation_depth);
    o.injection_score = e.injection_score;
    o.user_approved = e.user_approved;
    o.outcome = e.outcome;
    o.arg_emails = e.arg_emails;
    o.arg_urls = e.arg_urls;
    o.arg_domains = e.arg_domains;
    o.arg_ibans = e.arg_ibans;
    o.shell_effects = e.shell_effects;
    o.shell_executables = e.shell_executables;
    o.shell_hosts = e.shell_hosts;
  }
}

/** What CEL sees as `session` (see CelEvent). */
class CelSession {
  constructor(s: RuleSessionView) {
    const o = this as unknown as Record<keyof RuleSessionView, unknown>;
    o.events = int(s.events);
    o.distinct_tools = int(s.distinct_tools);
    o.tainted = s.tainted;
    o.max_data_class_rank = int(s.max_data_class_rank);
    o.last_tool = s.last_tool;
    o.recent_tools = s.recent_tools;
    o.destinations = int(s.destinations);
    o.external_sends = int(s.external_sends);
    o.principals = int(s.principals);
    o.active_rules = s.active_rules;
    o.tool_output_entities = int(s.tool_output_entities);
  }
}

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
