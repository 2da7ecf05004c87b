/**
 * Side effects by kind, and whether the user's task asks for that kind. A task that asks the agent
 * to "send the summary to Bob" authorises sending, not paying, deleting or changing a password:
 * an effect of a kind the user's own words never mention, after the agent has read content, is
 * the footprint of a goal hijack (ASI01) whatever the tool is called.
 *
 * The kind of an action comes from its operation, the words of its tool name and its arguments
 * (an IBAN as the destination, a password argument), never from a list of tool names. The kind a
 * task asks for comes from broad, generic English (verbs and nouns of money, removal, credentials).
 */
import { nameTokens } from '../catalog/infer-tool';
import type { ResolvedAction } from '../catalog/resolve-action';
import { intentCapabilityKeys } from '../engine/intent-keys';
import type { SessionState } from '../state/session-state';
import type { ActionView } from './detector';

export type EffectKind = 'pay' | 'delete' | 'credential';

/**
 * Recorded when the task asks the agent to deliver something to someone (send, reply, share, pay...)
 * without writing any address, link, account or number itself: the user left the choice of the
 * recipient to what the agent looks up ("send the summary to the client", "pay the bill in my
 * documents"), so a recipient that tool output supplied is expected there, not a sign of hijack.
 */
export const INTENT_DELIVER_UNNAMED_KEY = 'cap:deliver_unnamed';

/** Task words by which a user asks for something to be delivered to a party. */
const DELIVER_TASK_WORDS = new Set([
  'send', 'sends', 'sending', 'email', 'mail', 'forward', 'reply', 'respond', 'share', 'invite', 'message', 'notify', 'tell',
  'inform', 'pay', 'transfer', 'refund', 'reimburse', 'wire', 'remit', 'deliver', 'ship', 'submit', 'introduce',
]);

/** Intent pseudo-keys, recorded with the other capability keys of a task (see engine/intent-keys). */
export const INTENT_EFFECT_KEYS: Readonly<Record<EffectKind, string>> = Object.freeze({
  pay: 'cap:pay',
  delete: 'cap:delete',
  credential: 'cap:credential',
});

/** Words in a tool name (or argument name) that say it moves money. */
const MONEY_NAME_WORDS = new Set([
  'pay', 'payment', 'payments', 'payout', 'transfer', 'transfers', 'wire', 'remit', 'remittance', 'refund', 'money', 'funds',
  'fund', 'transaction', 'transactions', 'withdraw', 'withdrawal', 'donate', 'donation', 'tip', 'purchase', 'buy', 'checkout',
  'invoice', 'bill', 'billing', 'charge', 'deposit', 'trade', 'crypto', 'bitcoin', 'swift', 'sepa', 'order', 'orders', 'sell',
  'bid', 'stock', 'stocks', 'shares',
]);

/** Words in a tool or argument name that say it handles authentication secrets or security settings. */
const CREDENTIAL_NAME_WORDS = new Set([
  'password', 'passwords', 'passwd', 'passcode', 'passphrase', 'credential', 'credentials', 'pin', 'otp', 'mfa', '2fa', 'totp',
  'secret', 'secrets', 'token', 'tokens', 'apikey', 'recovery', 'security', 'auth', 'authentication', 'login',
  // access control: who may get in or do what
  'access', 'permission', 'permissions', 'privilege', 'privileges', 'role', 'roles', 'admin', 'guest', 'guests', 'acl',
]);

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
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const PARTY_IN_TEXT = /[^\s@]+@[^\s@]+\.[a-z]{2,}|\b(?:https?:\/\/|www\.)\S+|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b|\+?\d[\d\s().-]{8,}\d/i;

/** The text writes out an address, a link, an account number or a phone number. */
function namesParty(text: string): boolean {
  return PARTY_IN_TEXT.test(text);
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

/**
 * The lowercase words of a task, without addresses and links (parties, not words: "bob@mail.test"
 * holds no verb "mail"), and without dual noun/verb words standing in a noun slot.
 */
export function verbSlotWords(intent: string): string[] {
  const text = intent.replace(/\S+@\S+|\b(?:https?:\/\/|www\.)\S+/gi, ' ');
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

/** Effect kinds a task's words ask for (capability keys), from the task's word set and text. */
export function intentEffectKeys(words: ReadonlySet<string>, text: string): string[] {
  const keys: string[] = [];
  const any = (list: ReadonlySet<string>): boolean => {
    for (const w of words) if (list.has(w)) return true;
    return false;
  };
  if (any(PAY_TASK_WORDS) || CURRENCY.test(text)) keys.push(INTENT_EFFECT_KEYS.pay);
  if (any(DELETE_TASK_WORDS)) keys.push(INTENT_EFFECT_KEYS.delete);
  if (any(CREDENTIAL_TASK_WORDS)) keys.push(INTENT_EFFECT_KEYS.credential);
  if (!namesParty(text) && verbSlotWords(text).some((w) => DELIVER_TASK_WORDS.has(w))) keys.push(INTENT_DELIVER_UNNAMED_KEY);
  return keys;
}

interface NameFlags {
  readonly money: boolean;
  readonly credential: boolean;
}

const CACHE_CAP = 4096;
const nameCache = new Map<string, NameFlags>();

function flagsOf(name: string): NameFlags {
  let hit = nameCache.get(name);
  if (hit === undefined) {
    const tokens = nameTokens(name);
    hit = { money: tokens.some((t) => MONEY_NAME_WORDS.has(t)), credential: tokens.some((t) => CREDENTIAL_NAME_WORDS.has(t)) };
    if (nameCache.size >= CACHE_CAP) nameCache.clear();
    nameCache.set(name, hit);
  }
  return hit;
}

/**
 * The kind of side effect an action has, or null for reads, delegation and ordinary writes/sends.
 * Money first (a payment that also deletes a standing order is still a payment), then credentials
 * and access control, then deletion.
 */
export function effectKind(act: ResolvedAction): EffectKind | null {
  const op = act.operation;
  if (op === 'read' || op === 'delegate') return null;
  const name = flagsOf(act.tool);
  const changes = op === 'send' || op === 'write';
  if (changes && (name.money || act.destinations.some((d) => IBAN.test(d)))) return 'pay';
  if (name.credential) return 'credential';
  // A write that sets a password (update_user(password=...)) changes credentials whatever its name.
  if (op === 'write' && act.argNames.some((k) => flagsOf(k).credential)) return 'credential';
  if (op === 'delete') return 'delete';
  return null;
}

/** The task asks to deliver something without naming the recipient (see INTENT_DELIVER_UNNAMED_KEY). */
export function recipientLeftToAgent(a: ActionView, s: SessionState): boolean {
  if (s.events > 0) return s.intentHas(INTENT_DELIVER_UNNAMED_KEY);
  return intentCapabilityKeys(a.task?.intent).includes(INTENT_DELIVER_UNNAMED_KEY);
}
