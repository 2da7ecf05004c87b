/**
 * How far a tool's output is trusted, for tools the catalog does not know: from the tool's MCP
 * annotations when the event carries them (`openWorldHint`: the tool talks to an open world of
 * external entities), else from the words of its name (what it reads: messages, pages, files and
 * invitations are written by others; a profile or a balance is the principal's own; contacts and
 * members are a directory). Unknown words leave the output as the organisation's own systems.
 */
import type { ToolAnnotations } from '@chainwatch/schemas';
import { nameTokens } from './infer-tool';
import type { OutputTrust, ToolSpec } from './tool-catalog';

/** Words naming the open web. */
const WEB_WORDS = new Set(['web', 'webpage', 'website', 'page', 'pages', 'url', 'urls', 'link', 'links', 'http', 'https', 'browser', 'browse', 'internet', 'site', 'crawl', 'scrape', 'google', 'bing']);

/** Words naming other content that others write. */
const THIRD_PARTY_WORDS = new Set([
  'email', 'emails', 'mail', 'mails', 'inbox', 'message', 'messages', 'msg', 'msgs', 'chat', 'chats',
  'channel', 'channels', 'dm', 'dms', 'post', 'posts', 'comment', 'comments', 'review', 'reviews', 'rating', 'ratings', 'tweet',
  'tweets', 'feed', 'feeds', 'forum', 'thread', 'threads', 'notification', 'notifications', 'file', 'files', 'document',
  'documents', 'doc', 'docs', 'drive', 'attachment', 'attachments', 'calendar', 'event', 'events', 'meeting', 'meetings',
  'invitation', 'invitations', 'news', 'article', 'articles', 'rss', 'wiki', 'search', 'notice',
  'notices', 'issue', 'issues', 'ticket', 'tickets', 'pr', 'pull', 'readme', 'repo', 'repository', 'log', 'logs', 'output',
  'stdout', 'clipboard', 'sms', 'voicemail', 'note', 'notes', 'room', 'rooms', 'history', 'conversation', 'conversations', 'mailbox', 'reply', 'replies', 'content', 'contents', 'upload', 'uploads',
  'submission', 'submissions', 'form', 'forms', 'letter', 'letters', 'story', 'stories', 'blog',
]);

/**
 * Words naming the principal's own data. A statement of the principal's own accounts (transactions,
 * transfers, payments, balances) is theirs: the counterparties in it are parties they dealt with.
 */
const OWN_WORDS = new Set([
  'profile', 'me', 'my', 'self', 'balance', 'balances', 'iban', 'settings', 'preferences', 'wallet', 'whoami', 'transaction',
  'transactions', 'transfer', 'transfers', 'statement', 'statements', 'payment', 'payments',
]);
/** Combined with a person word ("user info", "account details"): the principal's own record. */
const OWN_DETAIL_WORDS = new Set(['info', 'information', 'details', 'detail', 'account', 'accounts']);
const PERSON_WORDS = new Set(['user', 'account', 'customer', 'owner']);

/** Words naming a directory of people. */
const DIRECTORY_WORDS = new Set([
  'contact', 'contacts', 'directory', 'people', 'person', 'persons', 'users', 'members', 'member', 'employee', 'employees',
  'colleague', 'colleagues', 'team', 'teams', 'staff', 'phonebook', 'addressbook', 'roster', 'org', 'orgchart',
]);

const cache = new Map<string, OutputTrust>();
const CACHE_CAP = 10_000;

function fromName(tool: string): OutputTrust {
  const hit = cache.get(tool);
  if (hit !== undefined) return hit;
  const tokens = nameTokens(tool);
  let out: OutputTrust = 'system';
  if (tokens.some((t) => DIRECTORY_WORDS.has(t))) out = 'directory';
  else if (tokens.some((t) => OWN_WORDS.has(t)) || (tokens.some((t) => PERSON_WORDS.has(t)) && tokens.some((t) => OWN_DETAIL_WORDS.has(t)))) out = 'own';
  if (out === 'system' && tokens.some((t) => WEB_WORDS.has(t))) out = 'web';
  else if (out === 'system' && tokens.some((t) => THIRD_PARTY_WORDS.has(t))) out = 'third_party';
  if (cache.size >= CACHE_CAP) cache.clear();
  cache.set(tool, out);
  return out;
}

/** Trust of a tool's output: catalog, then MCP annotations, then the tool's name. */
export function outputTrustOf(tool: string, spec: ToolSpec | undefined, annotations: ToolAnnotations | undefined): OutputTrust {
  if (spec?.output_trust !== undefined) return spec.output_trust;
  if (spec?.result_trust !== undefined) return spec.result_trust === 'external' ? 'web' : 'system';
  if (annotations?.openWorldHint === true) return 'web';
  const named = fromName(tool);
  // A closed-world tool (openWorldHint: false) still returns what others wrote when its name says so
  // (an internal mail server holds inbound mail); the hint only rules out the open web.
  return named;
}

/** Output that others wrote, or another agent returned: values from it are not the principal's. */
export function untrusted(t: OutputTrust): boolean {
  return t === 'third_party' || t === 'agent' || t === 'web';
}
