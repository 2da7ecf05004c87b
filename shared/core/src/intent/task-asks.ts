/**
 * What the task's words ask for: any side effect at all, web access, and kinds of effect (paying,
 * deleting, changing credentials, delivering to a party the task leaves to the agent). Broad,
 * generic English, never the wording of one benchmark. These feed heuristics only: where the task
 * declares an envelope (scopes, allowed tools), the envelope decides, not these words.
 *
 * Kinds are recorded as capability keys among the task's hashed keys (see intent-index.ts).
 */
import { extractEntitiesFromText, type Entities } from '../catalog/extract-entities';
import { shellAskKeys } from './shell-asks';
import { wordsOf } from './task-words';

/** Kinds of side effect a task may or may not ask for. */
export type EffectKind = 'pay' | 'delete' | 'credential';

/**
 * Recorded when the task asks the agent to deliver something to someone (send, reply, share, pay...)
 * without writing any address, link, account or number itself: the user left the choice of the
 * recipient to what the agent looks up ("send the summary to the client", "pay the bill in my
 * documents"), so a recipient that tool output supplied is expected there, not a sign of hijack.
 */
export const INTENT_DELIVER_UNNAMED_KEY = 'cap:deliver_unnamed';

/** Recorded when the task writes out an address, a link, an account or a phone number itself. */
export const INTENT_NAMES_PARTY_KEY = 'cap:names_party';

/** Task words by which a user asks for something to be delivered to a party. */
const DELIVER_TASK_WORDS = new Set([
  'send', 'sends', 'sending', 'email', 'mail', 'forward', 'reply', 'respond', 'share', 'invite', 'message', 'notify', 'tell',
  'inform', 'pay', 'transfer', 'refund', 'reimburse', 'wire', 'remit', 'deliver', 'ship', 'submit', 'introduce',
]);

/** Intent pseudo-keys, recorded with the other capability keys of a task (see intent-index.ts). */
export const INTENT_EFFECT_KEYS: Readonly<Record<EffectKind, string>> = Object.freeze({
  pay: 'cap:pay',
  delete: 'cap:delete',
  credential: 'cap:credential',
});

/** Task words by which a user asks for (or talks about) moving money. */
const PAY_TASK_WORDS = new Set([
  'pay', 'pays', 'paid', 'paying', 'payment', 'payments', 'transfer', 'transfers', 'transferred', 'wire', 'remit', 'refund',
  'refunds', 'reimburse', 'money', 'funds', 'fund', 'donate', 'donation', 'tip', 'purchase', 'buy', 'order', 'invoice', 'invoices',
  'bill', 'bills', 'rent', 'fee', 'fees', 'price', 'cost', 'subscription', 'deposit', 'withdraw', 'invest', 'trade', 'sell',
  'transaction', 'transactions', 'amount', 'balance', 'split', 'settle', 'owe', 'owed', 'charge', 'dollars', 'dollar', 'euros',
  'euro', 'usd', 'eur', 'gbp', 'chf', 'iban', 'bank', 'account', 'checkout', 'book', 'reserve', 'reservation',
]);

/** Task words by which a user asks for something to be removed, cancelled or undone. */
const DELETE_TASK_WORDS = new Set([
  'delete', 'deletes', 'deleted', 'deleting', 'remove', 'removes', 'removed', 'removing', 'erase', 'clear', 'clean', 'cleanup',
  'purge', 'wipe', 'discard', 'trash', 'drop', 'destroy', 'cancel', 'cancels', 'cancelled', 'canceled', 'unsubscribe', 'uninstall',
  'revoke', 'leave', 'kick', 'ban', 'archive', 'empty', 'prune', 'free', 'unshare', 'reset', 'undo', 'rid',
]);

/** Task words by which a user asks about authentication or security settings. */
const CREDENTIAL_TASK_WORDS = new Set([
  'password', 'passwords', 'passcode', 'passphrase', 'credential', 'credentials', 'pin', 'otp', 'mfa', '2fa', 'login', 'logins',
  'security', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'access', 'auth', 'authentication', 'authorize', 'authorise',
  'permission', 'permissions', 'grant', 'privilege', 'privileges', 'role', 'roles', 'admin', 'guest', 'guests', 'lock', 'unlock',
]);

const CURRENCY = /[$€£¥₹]\s?\d|\d\s?(?:usd|eur|gbp|chf|dollars?|euros?|pounds?)\b/i;
const PARTY_IN_TEXT = /[^\s@]+@[^\s@]+\.[a-z]{2,}|\b(?:https?:\/\/|www\.)\S+|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b|\+?\d[\d\s().-]{8,}\d/i;

/** PARTY_IN_TEXT without its e-mail alternative, which cannot match a text without '@' (and is the costly one). */
const PARTY_IN_TEXT_NO_AT = /\b(?:https?:\/\/|www\.)\S+|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b|\+?\d[\d\s().-]{8,}\d/i;

/** The text writes out an address, a link, an account number or a phone number. */
function namesParty(text: string): boolean {
  return text.includes('@') ? PARTY_IN_TEXT.test(text) : PARTY_IN_TEXT_NO_AT.test(text);
}

/**
 * Words that are nouns as often as verbs ("read the latest email", "my order"): they ask for an
 * action only in a verb slot, i.e. not right after a determiner, possessive or preposition and not
 * right before "from"/"about" ("the email from Bob").
 */
const NOUN_OR_VERB = new Set([
  'email', 'mail', 'message', 'text', 'post', 'order', 'book', 'call', 'contact', 'chat', 'report', 'flag', 'label', 'tag', 'plan',
  'request', 'return', 'tip', 'fund', 'comment', 'like', 'pin', 'mark', 'block', 'draft', 'lock', 'place', 'record', 'sms', 'dm',
  'transfer', 'deposit', 'trade', 'answer', 'reply', 'backup', 'download', 'export', 'import', 'share', 'sign', 'store', 'print',
  'control', 'switch', 'process', 'schedule', 'update', 'change', 'move', 'stop', 'start', 'set', 'turn', 'leave', 'invite',
  'payment', 'transfer', 'refund', 'wire', 'bill', 'invoice', 'tweet',
]);
/** Determiners that make a noun slot two words ahead too ("the controversial tweet", "my old post"). */
const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'your', 'his', 'her', 'our', 'their', 'its', 'this', 'that', 'these', 'those']);
const NOUN_SLOT_BEFORE = new Set([
  'the', 'a', 'an', 'my', 'your', 'his', 'her', 'our', 'their', 'its', 'this', 'that', 'these', 'those', 'latest', 'last', 'recent',
  'new', 'unread', 'first', 'previous', 'next', 'any', 'each', 'every', 'all', 'some', 'no', 'one', 'which', 'what', 'whose', 'of',
  'from', 'in', 'on', 'about', 'for', 'with', 'by', 'at', 'most', 'same', 'such', 'old', 'older', 'earlier', 'received', 'sent',
  // right after a look-up verb the word is its object: "find SMS messages", "read email", "check orders"
  'find', 'read', 'check', 'search', 'show', 'list', 'get', 'see', 'view', 'open', 'summarize', 'summarise', 'look', 'fetch',
  'retrieve', 'count', 'review', 'scan', 'browse', 'any', 'unanswered', 'pending', 'outgoing', 'incoming',
]);
/** "summarize this and email it": after these the word is a verb, even two words past a determiner. */
const ACTION_LIKE_AFTER_DETERMINER = new Set(['to', 'and', 'or', 'then', 'please']);
const NOUN_SLOT_AFTER = new Set(['from', 'about', 'id', 'ids', 'address', 'addresses', 'thread', 'threads', 'inbox', 'list', 'history', 'log', 'logs']);

const LINK_START = /https?:\/\/|www\./i;

/**
 * The lowercase words of a task, without addresses and links (parties, not words: "bob@mail.test"
 * holds no verb "mail"), and without dual noun/verb words standing in a noun slot.
 */
export function verbSlotWords(intent: string): string[] {
  // Only a text with '@' or a link has anything to blank (the test is far cheaper than the replace).
  const text = intent.includes('@') || LINK_START.test(intent) ? intent.replace(/\S+@\S+|\b(?:https?:\/\/|www\.)\S+/gi, ' ') : intent;
  const tokens = text.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length > 0);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (NOUN_OR_VERB.has(t)) {
      const prev = tokens[i - 1];
      const next = tokens[i + 1];
      const prev2 = tokens[i - 2];
      if ((prev !== undefined && NOUN_SLOT_BEFORE.has(prev)) || (next !== undefined && NOUN_SLOT_AFTER.has(next))) continue;
      if (prev2 !== undefined && DETERMINERS.has(prev2) && prev !== undefined && !ACTION_LIKE_AFTER_DETERMINER.has(prev)) continue;
    }
    out.push(t);
  }
  return out;
}

/** Bits of the word lists a task word is in (one lookup per word instead of one scan per list). */
const PAY_BIT = 1;
const DELETE_BIT = 2;
const CREDENTIAL_BIT = 4;
const WEB_BIT = 8;

/** The lists' bits of a set of words (see WORD_BITS). */
function wordMask(words: ReadonlySet<string>): number {
  let mask = 0;
  for (const w of words) mask |= WORD_BITS.get(w) ?? 0;
  return mask;
}

/** Effect kinds a task's words ask for (capability keys), from the task's word set and text. */
export function intentEffectKeys(words: ReadonlySet<string>, text: string, verbs: readonly string[] = verbSlotWords(text), mask: number = wordMask(words)): string[] {
  const keys: string[] = [];
  if ((mask & PAY_BIT) !== 0 || CURRENCY.test(text)) keys.push(INTENT_EFFECT_KEYS.pay);
  if ((mask & DELETE_BIT) !== 0) keys.push(INTENT_EFFECT_KEYS.delete);
  if ((mask & CREDENTIAL_BIT) !== 0) keys.push(INTENT_EFFECT_KEYS.credential);
  const named = namesParty(text);
  if (named) keys.push(INTENT_NAMES_PARTY_KEY);
  else if (verbs.some((w) => DELIVER_TASK_WORDS.has(w))) keys.push(INTENT_DELIVER_UNNAMED_KEY);
  return keys;
}


/** Words by which a task asks for web access; a task without any of them did not ask the agent to browse. */
const WEB_WORDS = ['web', 'website', 'websites', 'webpage', 'webpages', 'page', 'pages', 'site', 'sites', 'url', 'urls', 'link', 'links',
  'article', 'articles', 'blog', 'online', 'internet', 'browse', 'visit', 'http', 'https', 'www', 'download'];

/** Word → the bits of the lists above it is in. */
const WORD_BITS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  const mark = (list: Iterable<string>, bit: number): void => {
    for (const w of list) m.set(w, (m.get(w) ?? 0) | bit);
  };
  mark(PAY_TASK_WORDS, PAY_BIT);
  mark(DELETE_TASK_WORDS, DELETE_BIT);
  mark(CREDENTIAL_TASK_WORDS, CREDENTIAL_BIT);
  mark(WEB_WORDS, WEB_BIT);
  return m;
})();

/** Pseudo-key recorded when the intent asks for web access (or names a URL/domain). */
export const INTENT_WEB_KEY = 'cap:web';
/** Pseudo-key recorded when the intent asks for any side effect (sending, changing, deleting, running...). */
export const INTENT_ACT_KEY = 'cap:act';
/** Pseudo-key recorded when there is an intent at all (so "no cap:act" means a read-only task). */
export const INTENT_PRESENT_KEY = 'cap:intent';

/** Verbs by which a user asks an agent to change something or to send something somewhere. */
const ACTION_WORDS = new Set([
  'send', 'create', 'make', 'add', 'update', 'edit', 'change', 'modify', 'delete', 'remove', 'erase', 'post', 'publish', 'tweet',
  'share', 'invite', 'pay', 'transfer', 'buy', 'sell', 'order', 'book', 'schedule', 'reschedule', 'cancel', 'move', 'write', 'reply',
  'forward', 'email', 'message', 'notify', 'grant', 'revoke', 'set', 'turn', 'adjust', 'redirect', 'dispatch', 'install', 'uninstall',
  'run', 'execute', 'deploy', 'handle', 'do', 'perform', 'complete', 'process', 'fix', 'organize', 'organise', 'clean', 'rename',
  'upload', 'save', 'submit', 'apply', 'register', 'sign', 'subscribe', 'unsubscribe', 'follow', 'like', 'comment', 'ship', 'deposit',
  'withdraw', 'lock', 'unlock', 'give', 'reserve', 'purchase', 'invest', 'trade', 'close', 'archive', 'draft', 'compose', 'assign',
  'approve', 'reject', 'start', 'stop', 'restart', 'enable', 'disable', 'call', 'text', 'contact', 'inform', 'remind', 'join', 'leave',
  'kick', 'ban', 'mute', 'block', 'report', 'flag', 'mark', 'pin', 'label', 'tag', 'fill', 'copy', 'convert', 'generate', 'put', 'place',
  'plan', 'arrange', 'prepare', 'manage', 'control', 'switch', 'activate', 'deactivate', 'reset', 'refund', 'return', 'renew', 'replace',
  'download', 'import', 'export', 'sync', 'backup', 'restore', 'merge', 'commit', 'push', 'launch', 'open', 'accept', 'decline',
  'confirm', 'ask', 'let', 'respond', 'answer', 'chat', 'greet', 'congratulate', 'thank', 'welcome', 'introduce', 'request',
  'mail', 'wire', 'ping', 'dm', 'sms', 'print', 'attach', 'insert', 'append', 'store', 'fund', 'tip', 'donate',
]);

/** The task asks for some side effect: an action verb in the user's words (see verbSlotWords). */
function asksForAction(verbs: readonly string[]): boolean {
  for (const w of verbs) {
    if (ACTION_WORDS.has(w) || (w.length > 4 && w.endsWith('ing') && ACTION_WORDS.has(w.slice(0, -3)))) return true;
  }
  return false;
}

/** `wordList` and `e`: the text's wordsOf() and extractEntitiesFromText(), when the caller has them. */
export function taskCapabilityKeys(intent: string | undefined, wordList?: readonly string[], e?: Entities): string[] {
  if (intent === undefined || intent === '') return [];
  const words = new Set(wordList ?? wordsOf(intent));
  e ??= extractEntitiesFromText(intent);
  const mask = wordMask(words);
  const web = e.urls.length > 0 || (mask & WEB_BIT) !== 0 || e.domains.some((d) => !e.emails.some((m) => m.endsWith(`@${d}`)));
  const keys = [INTENT_PRESENT_KEY];
  if (web) keys.push(INTENT_WEB_KEY);
  const verbs = verbSlotWords(intent);
  if (asksForAction(verbs)) keys.push(INTENT_ACT_KEY);
  // Kinds of effect the task asks for (paying, deleting, changing credentials): see detectors/effect-kind.ts.
  keys.push(...intentEffectKeys(words, intent, verbs, mask));
  // What it asks of a shell (encrypting, persistence, privileges, destruction): see detectors/shell.ts.
  keys.push(...shellAskKeys(words));
  return keys;
}

