/**
 * The declared envelope of an action and where the action stands in it: the task's allowed tools,
 * allowed destinations and data-class ceiling, and the session's effective authority (task scopes
 * ∩ the delegating session's authority, up to the originating principal, narrowed by the
 * credential of this action). Built from the request and the session's state, never from what a
 * token's `act` claims.
 *
 * Required scopes come from the catalog when it lists them; for other tools, a declared scope
 * covers the action when it names what the tool acts on (authority/scope-match.ts).
 */
import type { Credential, Task } from '@chainwatch/schemas';
import { DATA_CLASSES } from '@chainwatch/schemas';
import { emailDomain, hostOf } from '../catalog/extract-entities';
import { isOrgDomain, type ResolvedAction } from '../catalog/resolve-action';
import type { SessionState } from '../state/session-state';
import { type Coverage, coverage } from './scope-match';

export interface EnvelopeView {
  /** The session declares some envelope (scopes anywhere along the chain, allowed tools or destinations, a ceiling). */
  readonly declared: boolean;
  /**
   * The declared envelope speaks to this action and allows it: the catalog's required scopes are
   * held, a declared scope covers it, or the task lists the tool in allowed_tools.
   */
  readonly covers: boolean;
  /** false only when the task has an allow-list without this tool. */
  readonly toolAllowed: boolean;
  /** The task's data-class ceiling as a rank, -1 when none. */
  readonly ceiling: number;
  readonly overCeiling: boolean;
  /** Destinations outside allowed_destinations (empty when the task lists none). */
  readonly destinationsOutside: readonly string[];
  /** Every destination of the action is one the task lists in allowed_destinations. */
  readonly destinationsListed: boolean;
  /** Effective authority for this action; null = no scopes declared anywhere (unbounded). */
  readonly authority: readonly string[] | null;
  /** Scopes the catalog says the tool needs. */
  readonly requiredScopes: readonly string[];
  /** Required scopes outside the authority (catalog tools). */
  readonly scopesMissing: readonly string[];
  /** How the authority covers a tool the catalog gives no scopes for ('undeclared' when no scopes). */
  readonly coverage: Coverage | 'catalog' | 'undeclared';
  /**
   * Scopes the acting agent itself holds (its task or its token) that would let the action through,
   * while its delegation chain does not: the confused deputy.
   */
  readonly deputyScopes: readonly string[];
}

/**
 * Intersection of two scope sets; null is unbounded. May return one of its inputs (never mutate):
 * `a` itself when `b` holds all of it (the usual case: a token's scopes cover the task's), so the
 * request path allocates nothing. Otherwise `a`'s members in `b`, in `a`'s order.
 */
export function intersectScopes(a: readonly string[] | null, b: readonly string[] | null): readonly string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  let i = 0;
  while (i < a.length && b.includes(a[i]!)) i++;
  if (i === a.length) return a;
  const out = a.slice(0, i);
  for (i++; i < a.length; i++) if (b.includes(a[i]!)) out.push(a[i]!);
  return out;
}

const NONE: readonly string[] = Object.freeze([]);

/** What the acting agent itself holds (its task and its token): only needed to name a deputy. */
function heldScopes(taskScopes: readonly string[] | null, cred: Credential | undefined): readonly string[] {
  return [...(taskScopes ?? NONE), ...(cred?.scopes ?? NONE)];
}

export function destinationAllowed(dest: string, allowed: readonly string[]): boolean {
  const domain = dest.includes('@') ? emailDomain(dest) : hostOf(dest);
  for (const a of allowed) {
    const x = a.toLowerCase();
    if (dest === x || domain === x || isOrgDomain(domain, [x])) return true;
  }
  return false;
}

export interface EnvelopeInput {
  readonly task: Task | undefined;
  readonly credential: Credential | undefined;
  readonly toolId: number;
  readonly parentAuthority: readonly string[] | null;
  readonly hasParent: boolean;
}

export function envelopeOf(input: EnvelopeInput, act: ResolvedAction, s: SessionState): EnvelopeView {
  const task = input.task;
  // Established sessions keep the envelope of their first event; a first action brings its own.
  const fresh = s.events === 0;
  const taskScopes = fresh ? (task !== undefined && task.scopes.length > 0 ? task.scopes : null) : s.taskScopes;
  const base = fresh ? intersectScopes(taskScopes, input.parentAuthority) : s.authority;
  const allowedTools = task?.allowed_tools;
  const toolListed = allowedTools !== undefined ? allowedTools.includes(act.tool) : s.allowedTools !== null && s.allowedTools.includes(input.toolId);
  const toolAllowed = allowedTools !== undefined ? toolListed : s.allowedTools === null || toolListed;
  const ceiling = task?.max_data_class !== undefined ? DATA_CLASSES.indexOf(task.max_data_class) : s.ceiling;
  const allowedDest = task?.allowed_destinations ?? s.allowedDest;

  const destinationsOutside: string[] = [];
  let listed = allowedDest !== null && act.destinations.length > 0;
  for (const d of act.destinations) {
    const addressLike = d.includes('@') || d.includes('.');
    if (allowedDest === null || d === '' || d === 'internal') continue;
    if (!addressLike) {
      listed = listed && allowedDest.includes(d);
      continue;
    }
    if (destinationAllowed(d, allowedDest)) continue;
    listed = false;
    if (act.destinationExternal) destinationsOutside.push(d);
  }

  const cred = input.credential;
  let authority = base;
  let scopesMissing: readonly string[] = NONE;
  let cov: EnvelopeView['coverage'] = 'undeclared';
  let deputyScopes: readonly string[] = NONE;
  const required = act.requiredScopes;
  if (act.operation === 'delegate') {
    // Delegation hands over a narrower authority; the laundering checks judge the chain.
    cov = base === null ? 'undeclared' : 'covered';
  } else if (required.length > 0) {
    // The credential narrows authority only where it matters: for tools that require scopes.
    authority = cred !== undefined ? intersectScopes(base, cred.scopes) : base;
    cov = authority === null ? 'undeclared' : 'catalog';
    if (authority !== null) {
      const held0 = authority;
      scopesMissing = required.every((x) => held0.includes(x)) ? NONE : required.filter((x) => !held0.includes(x));
      if (scopesMissing.length > 0 && input.hasParent) {
        const h = heldScopes(taskScopes, cred);
        deputyScopes = scopesMissing.filter((x) => h.includes(x));
      }
    }
  } else if (base !== null) {
    authority = cred !== undefined ? intersectScopes(base, cred.scopes) : base;
    cov = coverage(authority ?? NONE, act.tool, act.operation);
    if (cov !== 'covered' && input.hasParent) {
      const h = heldScopes(taskScopes, cred);
      if (coverage(h, act.tool, act.operation) === 'covered') deputyScopes = h.filter((x) => coverage([x], act.tool, act.operation) === 'covered');
    }
  } else if (cred !== undefined && cred.scopes.length > 0 && input.hasParent && input.parentAuthority !== null) {
    // No task scopes, but a delegating chain with declared authority: the chain bounds the token.
    cov = coverage(input.parentAuthority, act.tool, act.operation);
  }
  const declared = base !== null || allowedTools !== undefined || s.allowedTools !== null || allowedDest !== null || ceiling >= 0;
  const covers = toolListed || (cov === 'catalog' && authority !== null && scopesMissing.length === 0) || cov === 'covered';
  return {
    declared,
    covers,
    toolAllowed,
    ceiling,
    overCeiling: ceiling >= 0 && act.dataClassRank > ceiling && act.operation !== 'delegate',
    destinationsOutside,
    destinationsListed: listed,
    authority,
    requiredScopes: required,
    scopesMissing,
    coverage: cov,
    deputyScopes,
  };
}
