/**
 * Defaults for tools the catalog does not know, inferred from the tool NAME: its verb gives the
 * operation, its nouns the data class of what it handles. Arguments are looked at separately
 * (resolve-action.ts) for destinations. Inference is deliberately conservative: an unknown verb
 * reads as `read`, an unknown noun as `internal`.
 */
import type { DataClass, Operation } from '@chainwatch/schemas';

const VERBS: ReadonlyArray<readonly [Operation, readonly string[]]> = [
  ['delegate', ['delegate', 'handoff', 'spawn']],
  [
    'send',
    ['send', 'post', 'share', 'forward', 'reply', 'publish', 'tweet', 'retweet', 'invite', 'transfer', 'pay', 'wire',
      'upload', 'submit', 'notify', 'sms', 'dm', 'broadcast', 'withdraw', 'donate', 'ship', 'export', 'email', 'mail', 'message', 'text'],
  ],
  ['delete', ['delete', 'remove', 'destroy', 'drop', 'purge', 'erase', 'wipe', 'revoke', 'cancel', 'unshare', 'kick', 'ban', 'uninstall', 'leave']],
  [
    'execute',
    ['exec', 'execute', 'run', 'shell', 'bash', 'terminal', 'command', 'cmd', 'eval', 'invoke', 'deploy', 'install', 'script',
      'control', 'operate', 'trigger', 'apply', 'launch', 'dispatch', 'restart'],
  ],
  [
    'write',
    ['write', 'create', 'update', 'add', 'append', 'edit', 'set', 'modify', 'move', 'rename', 'reschedule', 'grant', 'book',
      'schedule', 'manage', 'place', 'save', 'insert', 'put', 'patch', 'change', 'assign', 'make', 'generate', 'register', 'enable',
      'disable', 'lock', 'unlock', 'order', 'buy', 'sell', 'reserve', 'give', 'mark', 'copy', 'import', 'fill', 'autofill', 'deposit',
      'go', 'start', 'stop', 'turn', 'adjust', 'allow', 'block', 'follow', 'like', 'join', 'accept', 'approve'],
  ],
  [
    'read',
    ['get', 'read', 'list', 'search', 'find', 'view', 'fetch', 'download', 'query', 'show', 'lookup', 'look', 'check', 'browse',
      'retrieve', 'access', 'open', 'load', 'describe', 'count', 'scan', 'watch', 'see', 'monitor', 'track', 'verify', 'summarize',
      'analyze', 'compare', 'calculate', 'current', 'visit', 'navigate', 'goto', 'surf', 'crawl', 'scrape'],
  ],
];

const VERB_OF = new Map<string, Operation>();
for (const [op, words] of VERBS) for (const w of words) if (!VERB_OF.has(w)) VERB_OF.set(w, op);

/** Nouns that only make a name a verb when nothing else does (e.g. "email_user" vs "send_email"). */
const WEAK_VERBS = new Set(['email', 'mail', 'message', 'text', 'current', 'go', 'like', 'follow', 'set']);

const NOUN_CLASS: ReadonlyArray<readonly [DataClass, readonly string[]]> = [
  ['secret', ['password', 'passwords', 'passwd', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'credential', 'credentials', 'otp', 'ssh', 'privatekey', 'vault', 'keychain']],
  [
    'restricted',
    ['bank', 'banking', 'iban', 'payment', 'payments', 'card', 'cards', 'ssn', 'medical', 'health', 'patient', 'patients',
      'prescription', 'prescriptions', 'genetic', 'genome', 'dna', 'fhir', 'diagnosis', 'salary', 'payroll', 'tax', 'passport',
      'identity', 'holdings', 'balance', 'crypto', 'wallet', 'transaction', 'transactions', 'account', 'accounts', 'personal'],
  ],
  [
    'confidential',
    ['contact', 'contacts', 'location', 'locations', 'address', 'addresses', 'profile', 'profiles', 'record', 'records',
      'customer', 'customers', 'database', 'db', 'phone', 'history', 'private', 'confidential'],
  ],
  // Messages, files, calendars: internal unless the catalog says otherwise (inference stays conservative).
  ['internal', ['email', 'emails', 'mail', 'inbox', 'messages', 'file', 'files', 'document', 'documents', 'note', 'notes', 'calendar', 'event', 'events', 'chat', 'channel', 'channels', 'drive', 'folder', 'folders']],
  ['public', ['webpage', 'web', 'website', 'url', 'news', 'weather', 'time', 'day', 'date', 'wiki', 'wikipedia', 'public']],
];
const CLASS_OF = new Map<string, DataClass>();
for (const [cls, words] of NOUN_CLASS) for (const w of words) if (!CLASS_OF.has(w)) CLASS_OF.set(w, cls);
const RANK: Record<DataClass, number> = { public: 0, internal: 1, confidential: 2, restricted: 3, secret: 4 };

/** Splits snake_case, kebab-case, dotted and CamelCase names into lowercase words. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

export interface InferredTool {
  readonly operation: Operation;
  readonly data_class: DataClass;
  /** The name itself says the tool talks to the outside (web, http...). */
  readonly web: boolean;
}

const PERSON_WORDS = new Set(['user', 'users', 'customer', 'customers', 'employee', 'employees', 'patient', 'client', 'clients', 'member', 'members', 'guest', 'guests', 'owner', 'me', 'my', 'person', 'people', 'friend', 'friends', 'family']);
const DETAIL_WORDS = new Set(['info', 'information', 'details', 'detail', 'data', 'profile', 'record', 'records', 'identity', 'address', 'addresses']);

const WEB_WORDS = new Set(['webpage', 'web', 'website', 'url', 'http', 'https', 'browser', 'browse', 'internet', 'visit', 'page', 'pages', 'site', 'link', 'links', 'navigate', 'goto', 'surf', 'crawl', 'scrape']);

const CACHE_CAP = 10_000;
const cache = new Map<string, InferredTool>();

/** Inference from the name, memoised (bounded): the same unknown tool is seen on every call. */
export function inferToolFromName(name: string): InferredTool {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const inferred = inferUncached(name);
  if (cache.size >= CACHE_CAP) cache.clear();
  cache.set(name, inferred);
  return inferred;
}

function inferUncached(name: string): InferredTool {
  const tokens = nameTokens(name);
  let operation: Operation | undefined;
  let weak: Operation | undefined;
  for (const t of tokens) {
    const op = VERB_OF.get(t);
    if (op === undefined) continue;
    if (WEAK_VERBS.has(t)) {
      weak ??= op;
      continue;
    }
    operation = op;
    break;
  }
  let best: DataClass = 'internal';
  let bestRank = -1;
  let web = false;
  for (const t of tokens) {
    if (WEB_WORDS.has(t)) web = true;
    const cls = CLASS_OF.get(t);
    if (cls !== undefined && RANK[cls] > bestRank) {
      best = cls;
      bestRank = RANK[cls];
    }
  }
  // Data about a person ("get_user_info", "fetch_customer_details") is personal data: confidential at least.
  if (bestRank < RANK.confidential && tokens.some((t) => PERSON_WORDS.has(t)) && tokens.some((t) => DETAIL_WORDS.has(t))) best = 'confidential';
  // "go_to_page", "open_link": moving to a web page reads it (a robot "go_to_room" still acts).
  const op = operation ?? (web && weak === 'write' ? 'read' : weak) ?? 'read';
  return Object.freeze({ operation: op, data_class: best, web });
}
