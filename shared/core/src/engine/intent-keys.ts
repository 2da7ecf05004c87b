/**
 * Indexes the task intent (the user's own words) so provenance can ask "did the user name this
 * party?": words (w:), e-mail addresses (e:), URLs (u:), domains written as URLs or bare (d:) and
 * IBANs (i:). An e-mail's domain is not indexed as a domain: naming john@mail.com does not vouch
 * for everyone at mail.com.
 */
import { canonicalUrl, extractEntitiesFromText, hostOf, phonesInText } from '../catalog/extract-entities';
import { hash52 } from '../state/hash';
import { intentEffectKeys, verbSlotWords } from '../detectors/effect-intent';
import { wordKey, wordsOf } from './action-view';

const STOPWORDS = new Set([
  'the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'onto', 'about', 'please', 'can', 'you', 'your', 'our', 'their',
  'them', 'they', 'there', 'here', 'what', 'which', 'who', 'whom', 'when', 'where', 'how', 'all', 'any', 'each', 'every', 'are',
  'was', 'were', 'been', 'being', 'have', 'has', 'had', 'does', 'did', 'not', 'but', 'also', 'then', 'than', 'its', 'his', 'her',
  'him', 'she', 'will', 'would', 'should', 'could', 'may', 'might', 'must', 'just', 'only', 'some', 'more', 'most', 'other',
  'such', 'very', 'too', 'out', 'over', 'under', 'again', 'once', 'both', 'few', 'own', 'same', 'let', 'know', 'need', 'want',
]);

export function intentKeys(intent: string | undefined): string[] {
  if (intent === undefined || intent === '') return [];
  const keys: string[] = [];
  const e = extractEntitiesFromText(intent);
  for (const x of e.emails) keys.push(`e:${x}`);
  for (const u of e.urls) {
    keys.push(`u:${canonicalUrl(u)}`);
    keys.push(`d:${hostOf(u)}`);
  }
  const emailDomains = new Set(e.emails.map((x) => x.slice(x.lastIndexOf('@') + 1)));
  for (const d of e.domains) if (!emailDomains.has(d) || e.urls.some((u) => hostOf(u) === d)) keys.push(`d:${d}`);
  for (const i of e.ibans) keys.push(`i:${i}`);
  for (const p of phonesInText(intent)) keys.push(`p:${p}`);
  // Words serve to recognise parties named in the task (a recipient "bob", a channel "random"):
  // short words and function words never name one.
  for (const w of wordsOf(intent)) if (w.length >= 3 && !STOPWORDS.has(w)) keys.push(wordKey(w));
  return keys;
}

/** Words by which a task asks for web access; a task without any of them did not ask the agent to browse. */
const WEB_WORDS = ['web', 'website', 'websites', 'webpage', 'webpages', 'page', 'pages', 'site', 'sites', 'url', 'urls', 'link', 'links',
  'article', 'articles', 'blog', 'online', 'internet', 'browse', 'visit', 'http', 'https', 'www', 'download'];

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
function asksForAction(intent: string): boolean {
  for (const w of verbSlotWords(intent)) {
    if (ACTION_WORDS.has(w) || (w.length > 4 && w.endsWith('ing') && ACTION_WORDS.has(w.slice(0, -3)))) return true;
  }
  return false;
}

export function intentCapabilityKeys(intent: string | undefined): string[] {
  if (intent === undefined || intent === '') return [];
  const words = new Set(wordsOf(intent));
  const e = extractEntitiesFromText(intent);
  const web = e.urls.length > 0 || WEB_WORDS.some((w) => words.has(w)) || e.domains.some((d) => !e.emails.some((m) => m.endsWith(`@${d}`)));
  const keys = [INTENT_PRESENT_KEY];
  if (web) keys.push(INTENT_WEB_KEY);
  if (asksForAction(intent)) keys.push(INTENT_ACT_KEY);
  // Kinds of effect the task asks for (paying, deleting, changing credentials): see detectors/effect-intent.
  keys.push(...intentEffectKeys(words, intent));
  return keys;
}

/**
 * Sorted 52-bit hashes of every key of an intent (capability keys first), shared between sessions
 * with the same task text: task templates repeat, so both the work and the memory are paid once.
 * Bounded cache; a full cache starts over.
 */
export class IntentIndex {
  private readonly cache = new Map<string, readonly number[] | null>();

  constructor(private readonly cap = 10_000, private readonly maxKeys = 64) {}

  hashes(intent: string | undefined): readonly number[] | null {
    if (intent === undefined || intent === '') return null;
    const hit = this.cache.get(intent);
    if (hit !== undefined) return hit;
    const set = new Set<number>();
    for (const k of [...intentCapabilityKeys(intent), ...intentKeys(intent)]) {
      if (set.size >= this.maxKeys) break;
      set.add(hash52(k));
    }
    const arr = set.size === 0 ? null : Object.freeze(Array.from(Float64Array.from(set).sort()));
    if (this.cache.size >= this.cap) this.cache.clear();
    this.cache.set(intent, arr);
    return arr;
  }
}
