/**
 * Turns an event's action (often only a tool name and arguments) into the normalised view every
 * detector uses: operation, data class, egress, required scopes and destination, taken from the
 * event first, then the catalog, then inference from the name and the argument values.
 */
import type { Action, DataClass, Operation } from '@chainwatch/schemas';
import { DATA_CLASSES } from '@chainwatch/schemas';
import { type Entities, canonicalUrl, emailDomain, extractEntitiesFromArgs, hostOf, phoneKey } from './extract-entities';
import { inferToolFromName } from './infer-tool';
import { outputTrustOf } from './output-trust';
import type { OutputTrust, ToolCatalog, ToolSpec } from './tool-catalog';

export type DestinationKind = 'email' | 'url' | 'domain' | 'iban' | 'phone' | 'name' | 'internal' | 'none';

export interface ResolvedAction {
  readonly tool: string;
  readonly kind: Action['kind'];
  readonly operation: Operation;
  readonly dataClass: DataClass;
  readonly dataClassRank: number;
  readonly egress: boolean;
  readonly requiredScopes: readonly string[];
  readonly resource: string;
  /** Primary destination, canonical ('' when none). */
  readonly destination: string;
  readonly destinationKind: DestinationKind;
  /** Every destination the arguments name (recipients, urls, accounts), canonical, capped. */
  readonly destinations: readonly string[];
  readonly destinationExternal: boolean;
  readonly argEntities: Entities;
  /** Names of the top-level arguments (at most 16), for inference from argument names. */
  readonly argNames: readonly string[];
  readonly unknownTool: boolean;
  /** How far this tool's output is trusted as the source of later arguments. */
  readonly outputTrust: OutputTrust;
  /** The tool may destroy or overwrite data (MCP destructiveHint, or a delete). */
  readonly destructive: boolean;
}

const DEST_ARG = /^(to|tos|recipients?|recipient_?emails?|emails?|user_?email|cc|bcc|url|urls|link|uri|address|to_?address|email_?address|account|account_?number|iban|destination|target|receiver|payee|phone|phone_?number|to_?number|website|domain|host|endpoint|webhook|mobile|cell|phone_?numbers|to_?phone_?numbers?|channel|channel_?name|chat|room|user|username|member|to_?user)$/i;
const DEST_ARG_LOOSE = /(recipient|email|url|iban|account|payee|receiver|destination|webhook|phone)/i;
const MAX_DESTS = 8;

const RANKS = new Map<string, number>(DATA_CLASSES.map((c, i) => [c, i]));

export function isOrgDomain(domain: string, orgDomains: readonly string[]): boolean {
  if (domain === '' || domain === 'internal' || domain === 'localhost') return true;
  for (const d of orgDomains) if (domain === d || domain.endsWith(`.${d}`)) return true;
  return false;
}

interface Dest {
  value: string;
  kind: DestinationKind;
  domain: string;
}

function classify(raw: string): Dest {
  const v = raw.trim();
  if (v === '' ) return { value: '', kind: 'none', domain: '' };
  if (v.toLowerCase() === 'internal') return { value: 'internal', kind: 'internal', domain: 'internal' };
  if (/^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/.test(v)) {
    const e = v.toLowerCase();
    return { value: e, kind: 'email', domain: emailDomain(e) };
  }
  if (/^(https?:\/\/|www\.)/i.test(v)) return { value: canonicalUrl(v), kind: 'url', domain: hostOf(v) };
  if (/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(v.replace(/\s+/g, ''))) return { value: v.replace(/\s+/g, ''), kind: 'iban', domain: '' };
  if (/^([a-z0-9-]+\.)+[a-z]{2,24}(\/\S*)?$/i.test(v)) return { value: canonicalUrl(v), kind: 'domain', domain: hostOf(v) };
  // A number is a phone destination when written as one: international prefix, or at least 10 digits.
  const tel = v.startsWith('+') || v.replace(/\D/g, '').length >= 10 ? phoneKey(v) : null;
  if (tel !== null) return { value: tel, kind: 'phone', domain: '' };
  return { value: v.toLowerCase().slice(0, 256), kind: 'name', domain: '' };
}

const argKeyCache = new Map<string, boolean>();

/** Whether an argument name denotes a destination (memoised, bounded). */
function isDestinationArg(k: string): boolean {
  let hit = argKeyCache.get(k);
  if (hit === undefined) {
    hit = DEST_ARG.test(k) || DEST_ARG_LOOSE.test(k);
    if (argKeyCache.size >= 4096) argKeyCache.clear();
    argKeyCache.set(k, hit);
  }
  return hit;
}

function takeDestinationValue(out: string[], v: unknown, depth: number): void {
  if (out.length >= MAX_DESTS || depth > 2) return;
  if (typeof v === 'string') {
    if (v.includes(',') || v.includes(';')) {
      for (const part of v.split(/[,;]\s*/)) if (part.trim() !== '' && out.length < MAX_DESTS) out.push(part.trim());
    } else if (v.trim() !== '') out.push(v.trim());
  } else if (Array.isArray(v)) for (const x of v) takeDestinationValue(out, x, depth + 1);
}

function destArgValues(args: Readonly<Record<string, unknown>>, names: readonly string[] | undefined): string[] {
  const out: string[] = [];
  const named = names !== undefined && names.length > 0;
  for (const k in args) {
    if (named ? names.includes(k) : isDestinationArg(k)) takeDestinationValue(out, args[k], 0);
  }
  return out;
}

function addDest(dests: Dest[], raw: string): void {
  const d = classify(raw);
  if (d.kind === 'none' || dests.length >= MAX_DESTS) return;
  for (const x of dests) if (x.value === d.value) return;
  dests.push(d);
}

function externalOf(d: Dest, orgDomains: readonly string[]): boolean {
  return d.kind === 'iban' || d.kind === 'phone' || ((d.kind === 'email' || d.kind === 'url' || d.kind === 'domain') && !isOrgDomain(d.domain, orgDomains));
}

const NO_NAMES: readonly string[] = Object.freeze([]);

export function argNamesOf(args: Readonly<Record<string, unknown>>): readonly string[] {
  let out: string[] | undefined;
  for (const k in args) {
    (out ??= []).push(k);
    if (out.length >= 16) break;
  }
  return out ?? NO_NAMES;
}

const RECIPIENT_ARG = /^(to|tos|recipients?|recipient_?[a-z_]*|to_?[a-z_]+|cc|bcc|receiver|receivers|payee|beneficiary|send_?to|destination_?(email|phone|account|iban)?)$/i;

function addressesParty(args: Readonly<Record<string, unknown>>, dests: readonly Dest[]): boolean {
  if (dests.some((d) => d.kind === 'iban')) return true;
  for (const k in args) {
    if (!RECIPIENT_ARG.test(k)) continue;
    const vals: string[] = [];
    takeDestinationValue(vals, args[k], 0);
    for (const v of vals) {
      const kind = classify(v).kind;
      if (kind === 'email' || kind === 'phone') return true;
    }
  }
  return false;
}

/** The catalog entry of a tool; own properties only (a tool named "constructor" is just unknown). */
export function toolSpec(catalog: ToolCatalog, tool: string): ToolSpec | undefined {
  return Object.hasOwn(catalog.tools, tool) ? catalog.tools[tool] : undefined;
}

export function resolveAction(action: Action, catalog: ToolCatalog): ResolvedAction {
  const spec: ToolSpec | undefined = toolSpec(catalog, action.tool);
  const inferred = spec === undefined ? inferToolFromName(action.tool) : undefined;
  const args = action.args ?? {};
  const argEntities = extractEntitiesFromArgs(args);
  const hints = spec === undefined ? action.annotations : undefined;

  // Operation: the event, the catalog, then MCP annotations (a read-only tool reads; a destructive
  // one whose name says nothing stronger deletes), then the name.
  let operation: Operation =
    action.operation ??
    spec?.operation ??
    (action.kind === 'delegation'
      ? 'delegate'
      : hints?.readOnlyHint === true
        ? 'read'
        : hints?.destructiveHint === true && (inferred?.operation ?? 'read') === 'read'
          ? 'delete'
          : (inferred?.operation ?? 'read'));
  if (hints?.readOnlyHint === false && action.operation === undefined && operation === 'read') operation = 'write';
  const dataClass: DataClass = action.data_class ?? spec?.data_class ?? inferred?.data_class ?? 'internal';

  // Destinations: explicit field, then named destination arguments, then entities in arguments
  // for operations that move data (a search query naming an address is not a destination).
  const dests: Dest[] = [];
  if (action.destination !== undefined) addDest(dests, action.destination);
  for (const v of destArgValues(args, spec?.destination_args)) addDest(dests, v);
  // A write's arguments often quote addresses (document text, invite lists): only named arguments count there.
  const movesData = operation === 'send' || operation === 'execute';
  const webRead = operation === 'read' && (inferred?.web === true || spec?.result_trust === 'external' || spec?.output_trust === 'web' || hints?.openWorldHint === true);
  if (dests.length === 0 && (movesData || webRead)) {
    for (const e of argEntities.emails) addDest(dests, e);
    for (const u of argEntities.urls) addDest(dests, u);
    for (const i of argEntities.ibans) addDest(dests, i);
    if (dests.length === 0 && webRead) for (const d of argEntities.domains) addDest(dests, d);
  }
  // An inferred write or run that addresses a person or an account (a recipient argument holding an
  // e-mail address or phone number, or any IBAN destination) delivers something to that party:
  // "dispatch_mail(to=...)", "schedule_payment(recipient_iban=...)" are sends whatever their verb.
  if (spec === undefined && action.operation === undefined && (operation === 'write' || operation === 'execute') && addressesParty(args, dests)) {
    operation = 'send';
  }
  let primary: Dest | undefined;
  let destinationExternal = false;
  let anyName = false;
  const values: string[] = [];
  for (const d of dests) {
    if (primary === undefined && d.kind !== 'name') primary = d;
    if (d.kind === 'name') anyName = true;
    else if (!destinationExternal && externalOf(d, catalog.org_domains)) destinationExternal = true;
    values.push(d.value);
  }
  primary ??= dests[0];

  // A catalog egress tool pointed only at the organisation's own domains does not leave it.
  const allInternal = dests.length > 0 && !destinationExternal && !anyName;
  const egress = (spec?.egress === true && !allInternal) || (spec === undefined && operation === 'send' && destinationExternal);
  // A read from an outside address (a fetched page) returns what others wrote, whatever the tool.
  const fetchedOutside = operation === 'read' && primary !== undefined && externalOf(primary, catalog.org_domains);
  const outputTrust: OutputTrust = fetchedOutside && spec?.output_trust === undefined && spec?.result_trust === undefined ? 'web' : outputTrustOf(action.tool, spec, action.annotations);

  return {
    tool: action.tool,
    kind: action.kind,
    operation,
    dataClass,
    dataClassRank: RANKS.get(dataClass) ?? 1,
    egress,
    requiredScopes: spec?.scopes ?? [],
    resource: action.resource ?? '',
    destination: primary?.value ?? '',
    destinationKind: primary?.kind ?? 'none',
    destinations: values,
    destinationExternal,
    argEntities,
    argNames: argNamesOf(args),
    unknownTool: spec === undefined,
    outputTrust,
    destructive: operation === 'delete' || action.annotations?.destructiveHint === true,
  };
}
