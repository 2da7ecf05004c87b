/**
 * The task text as an index of what the user named: e-mail addresses (e:), URLs (u:), domains
 * written as URLs or bare (d:), IBANs (i:), phone numbers (p:) and words (w:). An e-mail's domain
 * is not indexed as a domain: naming john@mail.com does not vouch for everyone at mail.com.
 * Provenance asks this index "did the user name this value?".
 */
import { canonicalUrl, extractEntitiesFromText, hostOf, phonesInText, type Entities } from '../catalog/extract-entities';
import { pathKey, pathsInText } from '../catalog/value-keys';

/** Keys under which intent words are indexed. */
export function wordKey(w: string): string {
  return `w:${w}`;
}

export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
}

export const STOPWORDS = new Set([
  'the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'onto', 'about', 'please', 'can', 'you', 'your', 'our', 'their',
  'them', 'they', 'there', 'here', 'what', 'which', 'who', 'whom', 'when', 'where', 'how', 'all', 'any', 'each', 'every', 'are',
  'was', 'were', 'been', 'being', 'have', 'has', 'had', 'does', 'did', 'not', 'but', 'also', 'then', 'than', 'its', 'his', 'her',
  'him', 'she', 'will', 'would', 'should', 'could', 'may', 'might', 'must', 'just', 'only', 'some', 'more', 'most', 'other',
  'such', 'very', 'too', 'out', 'over', 'under', 'again', 'once', 'both', 'few', 'own', 'same', 'let', 'know', 'need', 'want',
]);

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])/g;

/** `words` and `e`: the text's wordsOf() and extractEntitiesFromText(), when the caller has them. */
export function taskTextKeys(intent: string | undefined, words?: readonly string[], e?: Entities): string[] {
  if (intent === undefined || intent === '') return [];
  const keys: string[] = [];
  e ??= extractEntitiesFromText(intent);
  for (const x of e.emails) keys.push(`e:${x}`);
  for (const u of e.urls) {
    keys.push(`u:${canonicalUrl(u)}`);
    keys.push(`d:${hostOf(u)}`);
  }
  // A domain the task names only inside an address names that party, not the whole domain; one it
  // also writes bare ("deploy to build-3.example.net (ssh deploy@build-3.example.net)") is a host.
  const emailDomains = new Set(e.emails.map((x) => x.slice(x.lastIndexOf('@') + 1)));
  const bare = emailDomains.size > 0 ? intent.toLowerCase().replace(/[^\s@<>()"',;]+@[^\s@<>()"',;]+/g, ' ') : '';
  for (const d of e.domains) if (!emailDomains.has(d) || e.urls.some((u) => hostOf(u) === d) || bare.includes(d)) keys.push(`d:${d}`);
  // Hosts written as IPv4 addresses ("deploy to 10.0.4.7").
  if (/\d\.\d/.test(intent)) for (const m of intent.matchAll(IPV4)) keys.push(`d:${m[0]}`);
  for (const i of e.ibans) keys.push(`i:${i}`);
  for (const p of phonesInText(intent)) keys.push(`p:${p}`);
  // Paths the user wrote (build/, ~/.bashrc, .env.example): a command acting on them is what was asked.
  for (const p of pathsInText(intent)) keys.push(pathKey(p));
  // Words serve to recognise parties named in the task (a recipient "bob", a channel "random"):
  // short words and function words never name one.
  for (const w of words ?? wordsOf(intent)) if (w.length >= 3 && !STOPWORDS.has(w)) keys.push(wordKey(w));
  return keys;
}

