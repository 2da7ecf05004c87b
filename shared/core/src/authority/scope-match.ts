/**
 * Which declared scope covers an action, for tools whose required scopes the catalog does not
 * give. A scope names a resource and, often, a verb (`notes.write`, `mail:send`, `payments`,
 * `https://…/auth/gmail.readonly`); an action has an operation and a tool name. A scope covers an
 * action when one of its resource words matches a word of the tool name (same stem, or one a
 * prefix of the other, or one the other with a single leading letter: mail/email) and its verb
 * allows the operation (no verb, or an admin verb, allows every operation on the resource).
 *
 * The answer has three values, because they lead to different decisions: `covered` (inside the
 * envelope), `insufficient` (a declared scope names this resource but not this operation: outside,
 * the missing verb is known), `unmentioned` (no declared scope names the resource at all).
 */
import type { Operation } from '@chainwatch/schemas';
import { nameTokens } from '../catalog/infer-tool';

export type Coverage = 'covered' | 'insufficient' | 'unmentioned';

type VerbClass = 'read' | 'write' | 'send' | 'delete' | 'execute' | 'delegate' | 'admin';

const SCOPE_VERBS: ReadonlyMap<string, VerbClass> = new Map<string, VerbClass>([
  ...['read', 'readonly', 'ro', 'get', 'list', 'view', 'search', 'query', 'fetch', 'browse'].map((w) => [w, 'read'] as const),
  ...['write', 'rw', 'create', 'update', 'edit', 'modify', 'manage', 'put', 'patch', 'insert', 'upload', 'append'].map((w) => [w, 'write'] as const),
  ...['send', 'post', 'publish', 'share', 'invite', 'transfer', 'pay', 'message', 'notify', 'compose'].map((w) => [w, 'send'] as const),
  ...['delete', 'remove', 'purge', 'destroy'].map((w) => [w, 'delete'] as const),
  ...['exec', 'execute', 'run', 'deploy', 'invoke', 'trigger'].map((w) => [w, 'execute'] as const),
  ...['delegate', 'handoff'].map((w) => [w, 'delegate'] as const),
  ...['admin', 'all', 'full', 'owner', 'root', 'superuser'].map((w) => [w, 'admin'] as const),
]);

/** Verb classes that allow an operation: write allows its neighbours (a note writer may also read and remove notes). */
const ALLOWS: Readonly<Record<VerbClass, readonly Operation[]>> = {
  read: ['read'],
  write: ['read', 'write', 'delete', 'send'],
  send: ['send'],
  delete: ['delete'],
  execute: ['execute', 'read'],
  delegate: ['delegate'],
  admin: ['read', 'write', 'delete', 'send', 'execute', 'delegate'],
};

/** Words too generic to name a resource, in scope or tool names. */
const GENERIC = new Set(['api', 'auth', 'www', 'com', 'org', 'net', 'https', 'http', 'v1', 'v2', 'v3', 'scope', 'scopes', 'tool', 'tools', 'by', 'to', 'from', 'for', 'of', 'the', 'and', 'my', 'new', 'id', 'ids', 'info', 'data', 'item', 'items', 'details', 'googleapis', 'microsoft', 'graph', 'default']);

interface ParsedScope {
  readonly resources: readonly string[];
  readonly verbs: readonly VerbClass[];
}

const scopeCache = new Map<string, ParsedScope>();
const CACHE_CAP = 4096;

function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('es') && /(sh|ch|x|ss)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function parseScope(scope: string): ParsedScope {
  const hit = scopeCache.get(scope);
  if (hit !== undefined) return hit;
  const resources: string[] = [];
  const verbs: VerbClass[] = [];
  for (const t of nameTokens(scope)) {
    if (t === '' || GENERIC.has(t)) continue;
    const v = SCOPE_VERBS.get(t);
    if (v !== undefined) verbs.push(v);
    else resources.push(stem(t));
  }
  // "payments" alone, "repo": a resource with no verb. A verb alone ("write", "admin"): every resource.
  const parsed = { resources, verbs };
  if (scopeCache.size >= CACHE_CAP) scopeCache.clear();
  scopeCache.set(scope, parsed);
  return parsed;
}

/**
 * Families of words that name one resource in scopes and tool names (generic English, as scope
 * names are written across APIs: a `web.read` scope covers fetching a page).
 */
const FAMILIES: readonly (readonly string[])[] = [
  ['web', 'page', 'webpage', 'website', 'site', 'url', 'link', 'browse', 'browser', 'http', 'internet', 'crawl', 'scrape', 'search'],
  ['mail', 'email', 'inbox', 'gmail', 'outlook', 'smtp', 'imap'],
  ['chat', 'channel', 'slack', 'teams', 'dm'],
  ['payment', 'pay', 'transfer', 'wire', 'remit', 'payout', 'bank', 'banking', 'iban'],
  ['invoice', 'bill', 'billing'],
  ['calendar', 'event', 'meeting', 'schedule', 'appointment'],
  ['doc', 'document', 'drive', 'file', 'folder'],
  ['note', 'notebook', 'memo', 'wiki'],
  ['repo', 'repository', 'git', 'code', 'source'],
  ['contact', 'crm', 'customer', 'directory', 'people', 'person'],
  ['secret', 'vault', 'credential', 'password', 'key'],
  ['shell', 'bash', 'terminal', 'command', 'exec', 'cmd'],
  ['log', 'logging', 'trace', 'metric'],
  ['ticket', 'issue', 'case', 'incident'],
];

const FAMILY_OF = new Map<string, number>();
FAMILIES.forEach((f, i) => {
  for (const w of f) if (!FAMILY_OF.has(w)) FAMILY_OF.set(w, i);
});

/** Two words name the same resource: same stem, same family, a prefix of at least 3 letters, or one leading letter apart (mail/email). */
export function sameResourceWord(a: string, b: string): boolean {
  if (a === b) return true;
  const fa = FAMILY_OF.get(a);
  if (fa !== undefined && fa === FAMILY_OF.get(b)) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 3) return false;
  if (long.startsWith(short)) return true;
  return long.length - short.length === 1 && long.endsWith(short);
}

const toolWordCache = new Map<string, readonly string[]>();

/** Resource words of a tool name (and verbs too: `pay_invoice` is about payments). */
function toolWords(tool: string): readonly string[] {
  let hit = toolWordCache.get(tool);
  if (hit === undefined) {
    hit = nameTokens(tool).filter((t) => t.length >= 2 && !GENERIC.has(t)).map(stem);
    if (toolWordCache.size >= CACHE_CAP) toolWordCache.clear();
    toolWordCache.set(tool, hit);
  }
  return hit;
}

function namesResource(p: ParsedScope, words: readonly string[]): boolean {
  if (p.resources.length === 0) return true;
  for (const r of p.resources) for (const w of words) if (sameResourceWord(r, w)) return true;
  return false;
}

function allows(p: ParsedScope, op: Operation): boolean {
  if (p.verbs.length === 0) return true;
  return p.verbs.some((v) => ALLOWS[v].includes(op));
}

/** How the scopes cover an action on `tool` with `op` (see the module comment). */
export function coverage(scopes: readonly string[], tool: string, op: Operation): Coverage {
  const words = toolWords(tool);
  let mentioned = false;
  for (const s of scopes) {
    const p = parseScope(s);
    // A verb-only scope ("write") speaks to every resource; a resource-less, verb-less scope to none.
    if (p.resources.length === 0 && p.verbs.length === 0) continue;
    if (!namesResource(p, words)) continue;
    mentioned = true;
    if (allows(p, op)) return 'covered';
  }
  return mentioned ? 'insufficient' : 'unmentioned';
}

/** The scopes of `scopes` that cover the action (for naming what a session holds). */
export function coveringScopes(scopes: readonly string[], tool: string, op: Operation): string[] {
  return scopes.filter((s) => coverage([s], tool, op) === 'covered');
}
