/**
 * A light tokenizer for inline code of Python, JavaScript, Perl, Ruby, PHP and awk: string
 * literals (quotes and common escapes decoded; template and f-string parts kept as text),
 * identifiers with their dots (`requests.post`, `child_process.exec`, `IO::Socket::INET`), and
 * single punctuation characters. Comments are skipped. It does not parse the language: callers
 * read short token patterns (a call name, an opening parenthesis, a string) from it.
 */
import type { CodeLanguage } from './invocation';

export type CodeToken =
  | { readonly t: 'str'; readonly v: string; readonly backtick: boolean }
  | { readonly t: 'id'; readonly v: string }
  | { readonly t: 'p'; readonly v: string };

const MAX_TOKENS = 20_000;

const isIdStart = (c: string): boolean => /[A-Za-z_$%@]/.test(c);
const isIdPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '`': '`', $: '$' };

export function tokenizeCode(code: string, language: CodeLanguage): CodeToken[] {
  const out: CodeToken[] = [];
  const hashComments = language === 'python' || language === 'perl' || language === 'ruby' || language === 'awk' || language === 'php' || language === 'other';
  const slashComments = language === 'javascript' || language === 'php';
  let i = 0;
  const n = code.length;
  while (i < n && out.length < MAX_TOKENS) {
    const c = code[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ((c === '#' && hashComments && !(language === 'php' && code[i + 1] === '[')) || (slashComments && c === '/' && code[i + 1] === '/')) {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (slashComments && c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    // String prefixes: r'', b'', f'', rb'' (Python).
    if (language === 'python' && /[rbfuRBFU]/.test(c)) {
      let j = i;
      while (j < n && j - i < 2 && /[rbfuRBFU]/.test(code[j] as string)) j++;
      if (code[j] === '"' || code[j] === "'") {
        const raw = code.slice(i, j).toLowerCase().includes('r');
        i = readString(code, j, out, raw, language);
        continue;
      }
    }
    if (c === '"' || c === "'" || (c === '`' && language !== 'python')) {
      i = readString(code, i, out, false, language);
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      for (;;) {
        while (j < n && isIdPart(code[j] as string)) j++;
        // dotted and :: names: requests.post, IO::Socket::INET, Net::HTTP.post
        if (code[j] === '.' && j + 1 < n && isIdStart(code[j + 1] as string) && code[j + 1] !== '$') {
          j++;
          continue;
        }
        if (code[j] === ':' && code[j + 1] === ':' && j + 2 < n && isIdStart(code[j + 2] as string)) {
          j += 2;
          continue;
        }
        break;
      }
      out.push({ t: 'id', v: code.slice(i, j) });
      i = j;
      continue;
    }
    out.push({ t: 'p', v: c });
    i++;
  }
  return out;
}

function readString(code: string, start: number, out: CodeToken[], raw: boolean, language: CodeLanguage): number {
  const q = code[start] as string;
  const triple = language === 'python' && code.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  let v = '';
  while (i < code.length) {
    if (code.startsWith(close, i)) {
      out.push({ t: 'str', v, backtick: q === '`' });
      return i + close.length;
    }
    const c = code[i] as string;
    if (c === '\\' && !raw && i + 1 < code.length) {
      const e = code[i + 1] as string;
      v += ESCAPES[e] ?? (q === "'" && language !== 'python' && language !== 'javascript' ? `\\${e}` : e);
      i += 2;
      continue;
    }
    if (!triple && c === '\n' && q !== '`' && language === 'python') break;
    v += c;
    i++;
  }
  out.push({ t: 'str', v, backtick: q === '`' });
  return code.length;
}
