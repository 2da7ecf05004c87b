/**
 * Finds the parties an action talks to inside its arguments or a text: e-mail addresses, URLs,
 * bare domains and IBANs. Values only, never logged. Bounded: at most MAX_ENTITIES per kind and
 * at most MAX_SCAN characters scanned.
 */
export interface Entities {
  emails: string[];
  urls: string[];
  domains: string[];
  ibans: string[];
}

const MAX_ENTITIES = 16;
const MAX_SCAN = 16_384;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/g;
const URL = /\b(?:https?:\/\/|www\.)[^\s"'<>()\]\\]+/gi;
const BARE_DOMAIN = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|org|net|io|dev|ai|co|uk|de|fr|ch|eu|info|biz|app|xyz|me|us|gov|edu|cloud|site|online|tech)\b/gi;
/** BARE_DOMAIN's ending alone (a dot, a TLD, a word boundary): any text it matches in holds this. */
const TLD_HINT = /\.(?:com|org|net|io|dev|ai|co|uk|de|fr|ch|eu|info|biz|app|xyz|me|us|gov|edu|cloud|site|online|tech)\b/i;
const IBAN = /\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g;
const IBAN_HINT = /[A-Z]{2}\d{2}/;

export function emptyEntities(): Entities {
  return { emails: [], urls: [], domains: [], ibans: [] };
}

function push(list: string[], v: string): void {
  if (list.length < MAX_ENTITIES && !list.includes(v)) list.push(v);
}

/** Host of a URL written with or without scheme, lowercased, without a leading "www.". */
export function hostOf(url: string): string {
  let s = url.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const end = s.search(/[/?#:]/);
  if (end >= 0) s = s.slice(0, end);
  s = s.replace(/\.+$/, '');
  return s.startsWith('www.') ? s.slice(4) : s;
}

/** Canonical form of a URL for comparison: host plus path, no scheme, no trailing slash. */
export function canonicalUrl(url: string): string {
  let s = url.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  if (s.startsWith('www.')) s = s.slice(4);
  s = s.replace(/[#?].*$/, '').replace(/[/.,;:!]+$/, '');
  return s;
}

export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

export function extractEntitiesFromText(text: string, into: Entities = emptyEntities()): Entities {
  const s = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  // Cheap pre-checks: most argument values hold no entity at all. Matches are read with exec()
  // loops (no iterator objects): this runs for every argument of every action and assessment.
  const hasDot = s.includes('.');
  const hasAt = hasDot && s.includes('@');
  let m: RegExpExecArray | null;
  if (hasAt) {
    EMAIL.lastIndex = 0;
    while ((m = EMAIL.exec(s)) !== null) {
      const e = m[0].toLowerCase();
      push(into.emails, e);
      push(into.domains, emailDomain(e));
    }
  }
  if (hasDot) {
    URL.lastIndex = 0;
    while ((m = URL.exec(s)) !== null) {
      const u = m[0].replace(/[.,;:!]+$/, '');
      push(into.urls, u);
      push(into.domains, hostOf(u));
    }
    const withoutEmails = hasAt ? s.replace(EMAIL, ' ') : s;
    // Every bare domain ends in one of the TLDs after a dot: a text without one (README.md,
    // src/app.ts) skips the costlier domain pattern.
    if (TLD_HINT.test(withoutEmails)) {
      BARE_DOMAIN.lastIndex = 0;
      while ((m = BARE_DOMAIN.exec(withoutEmails)) !== null) push(into.domains, hostOf(m[0]));
    }
  }
  if (s.length >= 15 && IBAN_HINT.test(s)) {
    IBAN.lastIndex = 0;
    while ((m = IBAN.exec(s)) !== null) push(into.ibans, m[0]);
  }
  return into;
}

/** Walks argument values (strings, arrays, nested objects) and collects entities. */
export function extractEntitiesFromArgs(args: Readonly<Record<string, unknown>> | undefined): Entities {
  const out = emptyEntities();
  if (args) visitArgs(args, 0, { budget: MAX_SCAN }, out);
  return out;
}

/** Module-level (no closure per call): depth-limited walk within a character budget. */
function visitArgs(v: unknown, depth: number, scan: { budget: number }, out: Entities): void {
  if (scan.budget <= 0 || depth > 4) return;
  if (typeof v === 'string') {
    scan.budget -= v.length;
    extractEntitiesFromText(v, out);
  } else if (Array.isArray(v)) {
    for (const x of v) visitArgs(x, depth + 1, scan, out);
  } else if (v !== null && typeof v === 'object') {
    for (const k in v) if (Object.hasOwn(v, k)) visitArgs((v as Record<string, unknown>)[k], depth + 1, scan, out);
  }
}

const PHONE_TEXT = /\+?\d[\d\s().-]{5,22}\d/g;

/**
 * Canonical key of a phone number: `tel:` and its last 10 digits (so "+1 212-555-1234" and
 * "2125551234" meet), or null when the text is not a plausible number (7 to 15 digits).
 */
export function phoneKey(raw: string): string | null {
  if (!/^\+?[\d\s().-]{7,24}$/.test(raw.trim())) return null;
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return `tel:${digits.slice(-10)}`;
}

/** Phone numbers written in a text (for the task intent), as canonical keys. */
export function phonesInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, MAX_SCAN).matchAll(PHONE_TEXT)) {
    const k = phoneKey(m[0]);
    if (k !== null && !out.includes(k) && out.length < MAX_ENTITIES) out.push(k);
  }
  return out;
}
