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

/** The fields a constructor below writes (by name, so a typo is a type error). */
type EventFields = Record<keyof RuleEventView, unknown>;
type SessionFields = Record<keyof RuleSessionView, unknown>;

/**
 * What CEL sees as `event`: the fields of rule-context-fields.ts, built once per event on the hot
 * path. Written out field by field, in the table's order, as `this.field = …` stores: named
 * stores give every instance one hidden class and cost a fraction of a loop of keyed stores (the
 * activation was a tenth of observe), and V8 sizes the instance from the `this.x =` assignments
 * of the constructor, so the fields sit in the object (through an alias they would go to a
 * backing store grown field by field). A test checks the fields and their order against the table.
 */
class CelEvent {
  constructor(e: RuleEventView) {
    (this as EventFields).event_id = e.event_id;
    (this as EventFields).ts = int(e.ts);
    (this as EventFields).kind = e.kind;
    (this as EventFields).tool = e.tool;
    (this as EventFields).operation = e.operation;
    (this as EventFields).data_class = e.data_class;
    (this as EventFields).data_class_rank = int(e.data_class_rank);
    (this as EventFields).resource = e.resource;
    (this as EventFields).destination = e.destination;
    (this as EventFields).destination_external = e.destination_external;
    (this as EventFields).egress = e.egress;
    (this as EventFields).destination_provenance = e.destination_provenance;
    (this as EventFields).destination_source = e.destination_source;
    (this as EventFields).destination_source_tool = e.destination_source_tool;
    (this as EventFields).destination_pointed = e.destination_pointed;
    (this as EventFields).output_trust = e.output_trust;
    (this as EventFields).envelope_declared = e.envelope_declared;
    (this as EventFields).envelope_covers = e.envelope_covers;
    (this as EventFields).recipient_left_to_agent = e.recipient_left_to_agent;
    (this as EventFields).required_scopes = e.required_scopes;
    (this as EventFields).task_scopes = e.task_scopes;
    (this as EventFields).scopes_missing = e.scopes_missing;
    (this as EventFields).tool_allowed = e.tool_allowed;
    (this as EventFields).over_ceiling = e.over_ceiling;
    (this as EventFields).unknown_tool = e.unknown_tool;
    (this as EventFields).agent_id = e.agent_id;
    (this as EventFields).agent_type = e.agent_type;
    (this as EventFields).principal_sub = e.principal_sub;
    (this as EventFields).delegation_depth = int(e.delegation_depth);
    (this as EventFields).injection_score = e.injection_score;
    (this as EventFields).user_approved = e.user_approved;
    (this as EventFields).outcome = e.outcome;
    (this as EventFields).arg_emails = e.arg_emails;
    (this as EventFields).arg_urls = e.arg_urls;
    (this as EventFields).arg_domains = e.arg_domains;
    (this as EventFields).arg_ibans = e.arg_ibans;
    (this as EventFields).shell_effects = e.shell_effects;
    (this as EventFields).shell_executables = e.shell_executables;
    (this as EventFields).shell_hosts = e.shell_hosts;
  }
}

/** What CEL sees as `session` (see CelEvent). */
class CelSession {
  constructor(s: RuleSessionView) {
    (this as SessionFields).events = int(s.events);
    (this as SessionFields).distinct_tools = int(s.distinct_tools);
    (this as SessionFields).tainted = s.tainted;
    (this as SessionFields).max_data_class_rank = int(s.max_data_class_rank);
    (this as SessionFields).last_tool = s.last_tool;
    (this as SessionFields).recent_tools = s.recent_tools;
    (this as SessionFields).destinations = int(s.destinations);
    (this as SessionFields).external_sends = int(s.external_sends);
    (this as SessionFields).principals = int(s.principals);
    (this as SessionFields).active_rules = s.active_rules;
    (this as SessionFields).tool_output_entities = int(s.tool_output_entities);
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
