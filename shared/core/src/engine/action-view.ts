/**
 * Builds the ActionView detectors and rules see: the resolved action, where its destinations came
 * from (provenance), and the session's effective authority with this action's credential.
 */
import type { Action } from '@chainwatch/schemas';
import { canonicalUrl, emailDomain, hostOf } from '../catalog/extract-entities';
import { isOrgDomain, resolveAction } from '../catalog/resolve-action';
import type { ToolCatalog } from '../catalog/tool-catalog';
import type { ActionView, DestinationProvenance } from '../detectors/detector';
import type { Interner } from '../state/interner';
import { PROVENANCE, type EntitySource, type Provenance, type SessionState } from '../state/session-state';

/** What buildActionView starts from: the identity fields of an ActionView, and the raw action. */
export type ActionInput = Pick<
  ActionView,
  | 'prospective'
  | 'eventId'
  | 'ts'
  | 'sessionId'
  | 'traceId'
  | 'parentSessionId'
  | 'agentId'
  | 'agentType'
  | 'spiffeId'
  | 'principal'
  | 'task'
  | 'credential'
  | 'context'
> & { readonly action: Action };

const NO_SCOPES: readonly string[] = Object.freeze([]);
const SEVERITY_ORDER: Record<Provenance, number> = { none: 0, internal: 1, intent: 2, unseen: 3, tool_output: 4 };
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** Keys under which intent text is indexed (see intentKeys). */
export function wordKey(w: string): string {
  return `w:${w}`;
}

export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
}

function nameInIntent(s: SessionState, name: string): boolean {
  const words = wordsOf(name);
  return words.length > 0 && words.every((w) => s.intentHas(wordKey(w)));
}

interface DestOrigin {
  kind: Provenance;
  source: EntitySource | null;
}

export function destinationOrigin(s: SessionState, dest: string, orgDomains: readonly string[]): DestOrigin {
  if (dest.startsWith('tel:')) {
    const known = s.destProvenance(dest);
    if (known >= 0) {
      const k = PROVENANCE[known] ?? 'unseen';
      return { kind: k, source: k === 'tool_output' ? s.outputSource(dest) : null };
    }
    if (s.intentHas(`p:${dest}`)) return { kind: 'intent', source: null };
    const src = s.outputSource(dest);
    return src !== null ? { kind: 'tool_output', source: src } : { kind: 'unseen', source: null };
  }
  const isEmail = dest.includes('@');
  const isIban = IBAN.test(dest);
  const isHostish = !isEmail && !isIban && /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/.test(dest);
  if (dest === 'internal') return { kind: 'internal', source: null };
  if (!isEmail && !isIban && !isHostish) return { kind: nameInIntent(s, dest) ? 'intent' : 'internal', source: null };
  const domain = isEmail ? emailDomain(dest) : isHostish ? hostOf(dest) : '';
  if (!isIban && isOrgDomain(domain, orgDomains)) return { kind: 'internal', source: null };
  const known = s.destProvenance(dest);
  if (known >= 0) {
    const k = PROVENANCE[known] ?? 'unseen';
    return { kind: k, source: k === 'tool_output' ? s.outputSource(dest) : null };
  }
  if (isEmail) {
    if (s.intentHas(`e:${dest}`) || s.intentHas(`d:${domain}`)) return { kind: 'intent', source: null };
    const src = s.outputSource(dest);
    return src !== null ? { kind: 'tool_output', source: src } : { kind: 'unseen', source: null };
  }
  if (isIban) {
    if (s.intentHas(`i:${dest}`)) return { kind: 'intent', source: null };
    const src = s.outputSource(dest);
    return src !== null ? { kind: 'tool_output', source: src } : { kind: 'unseen', source: null };
  }
  const url = canonicalUrl(dest);
  if (s.intentHas(`u:${url}`) || s.intentHas(`d:${domain}`)) return { kind: 'intent', source: null };
  const src = s.outputSource(url) ?? s.outputSource(domain);
  return src !== null ? { kind: 'tool_output', source: src } : { kind: 'unseen', source: null };
}

/** Intersection of two scope sets; null is unbounded. May return one of its inputs (never mutate). */
export function intersectScopes(a: readonly string[] | null, b: readonly string[] | null): readonly string[] | null {
  if (a === null) return b === null ? null : (b as string[]);
  if (b === null) return a as string[];
  return a.filter((x) => b.includes(x));
}

export function buildActionView(
  input: ActionInput,
  s: SessionState,
  catalog: ToolCatalog,
  names: Interner,
  parentAuthority: readonly string[] | null,
): ActionView {
  const act = resolveAction(input.action, catalog);
  let worst: DestOrigin = { kind: 'none', source: null };
  let worstDest = '';
  let namedInIntent = false;
  const origins: Provenance[] = [];
  for (const d of act.destinations) {
    const o = destinationOrigin(s, d, catalog.org_domains);
    origins.push(o.kind);
    if (o.kind === 'intent' && !d.includes('@') && !d.includes('.')) namedInIntent = true;
    if (SEVERITY_ORDER[o.kind] > SEVERITY_ORDER[worst.kind]) {
      worst = o;
      worstDest = d;
    }
  }
  const provenance: DestinationProvenance = { kind: worst.kind, destination: worstDest, source: worst.source, namedInIntent };

  // Effective authority: session base (task ∩ parent chain) ∩ this action's credential.
  let base: readonly string[] | null;
  if (s.events > 0) base = s.authority;
  else {
    const taskScopes = input.task !== undefined && input.task.scopes.length > 0 ? input.task.scopes : null;
    base = intersectScopes(taskScopes, parentAuthority);
  }
  // The credential narrows authority only where it matters: for tools that require scopes.
  const needs = act.requiredScopes.length > 0;
  const authority = needs && input.credential !== undefined ? intersectScopes(base, input.credential.scopes) : base;
  const scopesMissing = !needs || authority === null ? NO_SCOPES : act.requiredScopes.filter((x) => !authority.includes(x));

  return {
    prospective: input.prospective,
    eventId: input.eventId,
    ts: input.ts,
    sessionId: input.sessionId,
    traceId: input.traceId,
    parentSessionId: input.parentSessionId,
    agentId: input.agentId,
    agentType: input.agentType,
    spiffeId: input.spiffeId,
    principal: input.principal,
    task: input.task,
    credential: input.credential,
    context: input.context,
    targetSessionId: input.action.target_session_id,
    toolId: input.prospective ? names.peek(act.tool) : names.id(act.tool),
    action: act,
    provenance,
    destinationOrigins: origins,
    authority,
    scopesMissing,
  };
}
