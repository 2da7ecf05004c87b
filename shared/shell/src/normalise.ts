/**
 * Normal forms of the values a command touches, so the caller can ask whether the same value
 * appeared earlier (in the task, or in tool output): hosts lowercased without port or trailing
 * dot, URLs canonical, paths with `.`/`..`/`//` resolved and $HOME written as `~`.
 */
import { DYNAMIC } from './word-value';

export interface UrlValue {
  /** As written (quotes removed). */
  readonly raw: string;
  /** Host plus path, lowercased, without scheme, `www.`, query, fragment or trailing slash (the core's canonical URL form). */
  readonly canonical: string;
  /** Lowercased host without port, brackets or trailing dot; '' when not static. */
  readonly host: string;
}

export interface PathValue {
  /** As written (quotes removed, $HOME as `~`). */
  readonly raw: string;
  /** `.`, `..` and repeated slashes resolved; no trailing slash. Relative paths stay relative. */
  readonly normalised: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const HOST_CHARS = /^[a-z0-9_.-]+$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Lowercased host, or '' when the text is not a static host name or address. */
export function normaliseHost(raw: string): string {
  if (raw.includes(DYNAMIC)) return '';
  let h = raw.trim().toLowerCase();
  const at = h.lastIndexOf('@');
  if (at >= 0) h = h.slice(at + 1);
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close > 1 && /^[0-9a-f:.]+$/.test(h.slice(1, close)) ? h.slice(1, close) : '';
  }
  const colon = h.indexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  h = h.replace(/\.+$/, '');
  if (h === '' || !HOST_CHARS.test(h) || h.startsWith('.') || h.startsWith('-')) return '';
  return h;
}

/** Whether an operand written without a scheme (curl accepts `host/path`) names a host. */
export function looksLikeHost(text: string): boolean {
  const h = normaliseHost(text.split(/[/?#]/, 1)[0] ?? '');
  return h !== '' && (h === 'localhost' || IPV4.test(h) || (/\.[a-z]{2,}$/.test(h) && !/\.(?:sh|py|js|ts|txt|json|md|log|tar|gz|tgz|zip|rb|pl|conf|yml|yaml|toml|lock)$/.test(h)));
}

/** A URL value; `assumeScheme` reads a bare `host/path` as a URL (curl, wget operands). */
export function urlValue(raw: string, assumeScheme = false): UrlValue | null {
  const text = raw.trim();
  if (text === '') return null;
  const m = SCHEME.exec(text);
  if (m === null && !(assumeScheme && looksLikeHost(text))) return null;
  const rest = m === null ? text : text.slice(m[0].length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  return { raw: text, canonical: canonicalUrl(text), host: normaliseHost(authority) };
}

/** Same convention as the core's canonical URL: host plus path, lowercased, no scheme, www., query, fragment or trailing punctuation. */
export function canonicalUrl(url: string): string {
  let s = url.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  if (s.startsWith('www.')) s = s.slice(4);
  const cut = s.search(/[#?]/);
  if (cut >= 0) s = s.slice(0, cut);
  return s.replace(/[/.,;:!]+$/, '');
}

export function pathValue(raw: string): PathValue {
  return { raw, normalised: normalisePath(raw) };
}

export function normalisePath(raw: string): string {
  return raw === '' || isNormal(raw) ? raw : normaliseSegments(raw);
}

/** normalisePath the long way: split, resolve `.` and `..`, join. */
export function normaliseSegments(raw: string): string {
  if (raw === '') return raw;
  const absolute = raw.startsWith('/');
  const parts = raw.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p === '' || p === '.') continue;
    if (p === '..') {
      const last = out[out.length - 1];
      if (last !== undefined && last !== '..' && !(i === 1 && last.startsWith('~'))) out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(p);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * Whether a path is already in normal form: no empty segment (`//`, a trailing `/`), no `.` or
 * `..` segment. Then normalisePath would return it as it is, so it need not be split.
 */
function isNormal(p: string): boolean {
  const n = p.length;
  // Segment starts: after each '/', and at 0 for a relative path.
  let start = p.charCodeAt(0) === 47 ? 1 : 0;
  if (start === n) return false;
  for (let i = start; i <= n; i++) {
    if (i < n && p.charCodeAt(i) !== 47) continue;
    const len = i - start;
    if (len === 0) return false;
    if (p.charCodeAt(start) === 46 && (len === 1 || (len === 2 && p.charCodeAt(start + 1) === 46))) return false;
    start = i + 1;
  }
  return true;
}

/** Last path segment. */
export function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.replace(/\/+$/, '') : path;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? trimmed : trimmed.slice(slash + 1);
}
