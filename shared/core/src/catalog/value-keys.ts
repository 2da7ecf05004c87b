/**
 * Keys under which file paths and commands are remembered where they first appeared (a tool's
 * output, the task text), so a shell command's targets can be traced like recipients and hosts:
 * `f:` + a path in normal form, `c:` + a simple command with its whitespace collapsed.
 */
import { canonicalUrl, hostOf } from './extract-entities';

/** A path in normal form: quotes removed, $HOME as ~, `.` and `//` dropped, `..` resolved, no trailing slash. */
export function pathKey(raw: string): string {
  if (inNormalForm(raw)) return `f:${raw}`;
  let p = raw.trim().replace(/^["']|["']$/g, '').replace(/^\$\{?HOME\}?(?=\/|$)/, '~');
  if (p === '') return 'f:';
  const absolute = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      const last = out[out.length - 1];
      if (last !== undefined && last !== '..' && !(out.length === 1 && last.startsWith('~'))) out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  p = out.join('/');
  return `f:${absolute ? `/${p}` : p === '' ? '.' : p}`;
}

/**
 * A path the normal form leaves as it is (most paths): printable ASCII at both ends (nothing to
 * trim), no quote or `$` to strip or replace, no empty, `.` or `..` segment and no trailing slash.
 * Conservative: `/.`, a leading `.` or `//` anywhere take the full path, whatever follows.
 */
function inNormalForm(raw: string): boolean {
  const n = raw.length;
  if (n === 0) return false;
  const a = raw.charCodeAt(0);
  const z = raw.charCodeAt(n - 1);
  if (a <= 32 || a >= 127 || z <= 32 || z >= 127) return false;
  // " ' $ . at the start; " ' / at the end
  if (a === 34 || a === 39 || a === 36 || a === 46 || z === 34 || z === 39 || z === 47) return false;
  return !raw.includes('//') && !raw.includes('/.');
}

/** A simple command as a key: whitespace collapsed (the analyser writes commands the same way). */
export function commandKey(raw: string): string {
  return `c:${collapseSpace(raw)}`;
}

/** Trimmed, runs of white space as one space; the text itself when it is already so (most commands). */
export function collapseSpace(raw: string): string {
  return spaced(raw) ? raw : raw.trim().replace(/\s+/g, ' ');
}

/** A UTF-16 code unit that `\s` (and trim) counts as white space. */
function isSpaceUnit(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** No white space but single spaces between words. */
function spaced(s: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c > 32 && c < 127) || !isSpaceUnit(c)) {
      afterSpace = false;
      continue;
    }
    if (c !== 32 || afterSpace) return false;
    afterSpace = true;
  }
  return !afterSpace || s.length === 0;
}

const PATH_TOKEN = /(?:^|[\s('"`=])((?:~|\.{1,2})?\/?[\w.@%+-]*\/[\w.@%+/-]*|~|\.[\w.-]+)/g;

/** Path-like tokens of a text (with a slash, or a dotfile such as .env): for the task's own paths. */
export function pathsInText(text: string): string[] {
  const out: string[] = [];
  // Every token the pattern takes holds a '/', a '~' or a '.': a text with none has no path.
  if (!text.includes('/') && !text.includes('.') && !text.includes('~')) return out;
  PATH_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  const s = text.length > 4096 ? text.slice(0, 4096) : text;
  while ((m = PATH_TOKEN.exec(s)) !== null) {
    const t = (m[1] ?? '').replace(/[.,;:!)]+$/, '');
    if (t.length < 2 || /^\/\//.test(t) || /^https?:/i.test(t)) continue;
    if (!out.includes(t) && out.length < 16) out.push(t);
  }
  return out;
}

/** A URL as written (`https://…`) or a host; scp-style `user@host:path` gives its host. */
export function urlValue(raw: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return canonicalUrl(raw);
  const at = raw.lastIndexOf('@');
  const rest = at >= 0 ? raw.slice(at + 1) : raw;
  return hostOf(rest.split(':')[0] ?? rest);
}


/** Key of a file's name alone (`b:` + basename), for a file named without its directory. */
export function baseKey(raw: string): string {
  const k = pathKey(raw).slice(2);
  return `b:${k.slice(k.lastIndexOf('/') + 1)}`;
}

/** Directories that `mkdir` simple commands (as the analyser lists them) create. */
export function madeDirectories(commands: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    if (!c.startsWith('mkdir ')) continue;
    // Plain words only: a quoted or dynamic word is left out (its deletion is then judged as anyone's).
    for (const p of c.split(' ').slice(1)) if (p !== '' && !p.startsWith('-') && !/[$`*?"'\\]/.test(p) && out.length < 8) out.push(p);
  }
  return out;
}
