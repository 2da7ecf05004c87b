/**
 * Where a security-relevant argument of an action (a recipient, a host or URL, an account) first
 * appeared: the organisation's own address space, the task text, an output of a tool (classified
 * by how far that tool's output is trusted: the principal's own data, a directory, a system of
 * record, content written by others, another agent), or nowhere (invented). The answer names its
 * source event and tool, so a decision can say "recipient first seen in the output of read_inbox
 * at event …".
 */
import { canonicalUrl, emailDomain, hostOf } from '../catalog/extract-entities';
import { isOrgDomain } from '../catalog/resolve-action';
import { hasTaskKey } from '../intent/intent-index';
import { wordKey, wordsOf } from '../intent/task-words';
import { PROVENANCE, type EntitySource, type Provenance, type SessionState, type TrustCode } from '../state/session-state';

export interface ArgumentOrigin {
  readonly kind: Provenance;
  /** The output that introduced the value, for the output kinds. */
  readonly source: EntitySource | null;
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const HOSTISH = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?(\/\S*)?$/;

const ORIGIN_OF_TRUST: Readonly<Record<TrustCode, Provenance>> = {
  system: 'system',
  own: 'own',
  directory: 'directory',
  third_party: 'third_party',
  agent: 'agent',
  web: 'web',
};

/** How untrusted each kind is, for picking the worst over several values (higher is worse). */
export const PROVENANCE_RANK: Readonly<Record<Provenance, number>> = {
  none: 0,
  internal: 1,
  task: 2,
  own: 3,
  directory: 3,
  system: 4,
  unseen: 5,
  third_party: 6,
  agent: 6,
  web: 7,
};

/** The provenance kinds whose values the principal did not supply or vouch for. */
export function untrustedOrigin(kind: Provenance): boolean {
  return kind === 'third_party' || kind === 'agent' || kind === 'web';
}

function fromSource(src: EntitySource): ArgumentOrigin {
  return { kind: ORIGIN_OF_TRUST[src.trust], source: src };
}

/** A plain name (a channel, a user) the task's words name. */
export function nameInTask(task: readonly number[] | null, name: string): boolean {
  const words = wordsOf(name);
  return words.length > 0 && words.every((w) => hasTaskKey(task, wordKey(w)));
}

/**
 * Origin of one destination value (canonical, as resolve-action produced it). `task` is the task
 * text's key hashes (the session's, or the request's for a first action).
 */
export function originOf(s: SessionState, value: string, orgDomains: readonly string[], task: readonly number[] | null): ArgumentOrigin {
  if (value === 'internal') return { kind: 'internal', source: null };
  const phone = value.startsWith('tel:');
  const email = !phone && value.includes('@');
  const iban = !phone && !email && IBAN.test(value);
  const hostish = !phone && !email && !iban && HOSTISH.test(value);
  if (!phone && !email && !iban && !hostish) return { kind: nameInTask(task, value) ? 'task' : 'internal', source: null };
  const domain = email ? emailDomain(value) : hostish ? hostOf(value) : '';
  if ((email || hostish) && isOrgDomain(domain, orgDomains)) return { kind: 'internal', source: null };
  const url = hostish ? canonicalUrl(value) : value;
  const src = s.outputSource(url) ?? (hostish ? s.outputSource(domain) : null);
  // A value the delegating session got from others and wrote into this session's task is theirs, not the user's.
  if (src !== null && src.inherited) return fromSource(src);
  // A destination used before keeps its first provenance.
  const known = s.destProvenance(value);
  if (known >= 0) {
    const kind = PROVENANCE[known] ?? 'unseen';
    return { kind, source: src };
  }
  if (phone && hasTaskKey(task, `p:${value}`)) return { kind: 'task', source: null };
  if (email && (hasTaskKey(task, `e:${value}`) || hasTaskKey(task, `d:${domain}`))) return { kind: 'task', source: null };
  if (iban && hasTaskKey(task, `i:${value}`)) return { kind: 'task', source: null };
  if (hostish && (hasTaskKey(task, `u:${url}`) || hasTaskKey(task, `d:${domain}`))) return { kind: 'task', source: null };
  if (src !== null) return fromSource(src);
  return { kind: 'unseen', source: null };
}
