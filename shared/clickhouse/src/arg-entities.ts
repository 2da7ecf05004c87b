/**
 * Entities named in tool arguments: what investigators need from the arguments without storing
 * the arguments themselves. Walks string values (bounded depth and count), caps each list.
 */
export interface ArgEntities {
  readonly emails: string[];
  readonly urls: string[];
  readonly domains: string[];
  readonly ibans: string[];
}

const MAX_PER_KIND = 20;
const MAX_DEPTH = 6;
const MAX_STRINGS = 512;
const MAX_ENTITY_LENGTH = 512;

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)/g;
const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]{1,2000}/gi;
const IBAN_PREFIX = /[A-Z]{2}\d{2}/;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;

export function extractArgEntities(args: unknown): ArgEntities {
  const out = { emails: new Set<string>(), urls: new Set<string>(), domains: new Set<string>(), ibans: new Set<string>() };
  const strings: string[] = [];
  collectStrings(args, 0, strings);
  for (const s of strings) {
    // Cheap pre-checks keep the regexes off the common path (plain words, numbers, ids).
    if (s.includes('@')) {
      for (const m of s.matchAll(EMAIL)) {
        add(out.emails, m[0].toLowerCase());
        if (m[1]) add(out.domains, m[1].toLowerCase());
      }
    }
    if (s.includes('://')) {
      for (const m of s.matchAll(URL_PATTERN)) {
        add(out.urls, m[0]);
        try {
          add(out.domains, new URL(m[0]).hostname.toLowerCase());
        } catch {
          // not a parseable URL: keep the text match only
        }
      }
    }
    if (IBAN_PREFIX.test(s)) {
      for (const m of s.matchAll(IBAN)) add(out.ibans, m[0].replace(/ /g, ''));
    }
  }
  return { emails: [...out.emails], urls: [...out.urls], domains: [...out.domains], ibans: [...out.ibans] };
}

function add(set: Set<string>, value: string): void {
  if (set.size < MAX_PER_KIND && value.length > 0 && value.length <= MAX_ENTITY_LENGTH) set.add(value);
}

function collectStrings(value: unknown, depth: number, out: string[]): void {
  if (out.length >= MAX_STRINGS || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, depth + 1, out);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectStrings(v, depth + 1, out);
  }
}
