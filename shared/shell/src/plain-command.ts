/**
 * Command lines with no shell syntax beyond quoting: one line of words made of plain characters
 * (letters, digits, `_ - . / : @ % + , = ~`), single-quoted text, and double-quoted text without
 * `$`, backticks, backslashes or `!`, separated by spaces. For these the shell's own rule is that
 * the words (quotes removed) are the argv of one simple command, so the grammar is not needed:
 * `git status`, `npm test`, `grep -rn "retry" src/`, `git commit -m 'fix: x'`. Anything else
 * (`$`, redirections, operators, globs, comments, escapes, a leading assignment or reserved word,
 * a newline) goes to the parser, and so do the few plain lines the grammar reads its own way
 * (`unset X`, `export …`, `a@b …`, `test a == b`). A test checks that both paths give the same analysis on the
 * whole shell corpus.
 */

export interface PlainWord {
  /** Value with quotes removed. */
  readonly value: string;
  /** Source text. */
  readonly text: string;
}

/**
 * Reserved words, and commands the grammar does not read as a simple command: declarations
 * (`export https://x` is a syntax error to it) and `unset` (an unset_command, not walked as one).
 */
const RESERVED = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '!', '{', '}', '[[', ']]',
  'declare', 'typeset', 'export', 'readonly', 'local', 'unset', 'unsetenv',
]);

const isPlainChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 47 || c === 58 || c === 64 || c === 37 || c === 43 || c === 44 || c === 61 || c === 126;

const MAX_PLAIN = 512;

/**
 * Command names the grammar's lexer reads as something else: `a@b` and `a%b` (a variable name,
 * then a word), `a+:b` (an ERROR), and `-` (dropped before an assignment).
 */
export function lexedOtherwise(name: string): boolean {
  return name === '-' || name.indexOf('@', 1) > 0 || name.indexOf('%', 1) > 0 || /^\w+\+:/.test(name);
}

/** The words of a plain command line, or null when it needs the parser. */
export function plainWords(command: string): PlainWord[] | null {
  const s = command.trim();
  if (s.length === 0 || s.length > MAX_PLAIN) return null;
  const words: PlainWord[] = [];
  const n = s.length;
  let value = '';
  let quoted = false;
  let start = -1;
  let i = 0;
  while (i <= n) {
    const c = i < n ? s.charCodeAt(i) : 32;
    if (c === 32) {
      if (start >= 0) {
        // `==` and `=~` are operators of the grammar's command rule, not words (it drops them).
        if (s.charCodeAt(start) === 61) return null;
        words.push({ value, text: quoted ? s.slice(start, i) : value });
      }
      value = '';
      quoted = false;
      start = -1;
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (isPlainChar(c)) {
      let j = i + 1;
      while (j < n && isPlainChar(s.charCodeAt(j))) j++;
      value = value === '' ? s.slice(i, j) : value + s.slice(i, j);
      i = j;
    } else if (c === 39 /* ' */ || c === 34 /* " */) {
      const close = s.indexOf(c === 39 ? "'" : '"', i + 1);
      if (close < 0) return null;
      const inner = s.slice(i + 1, close);
      if (c === 34 && /[$`\\!]/.test(inner)) return null;
      value += inner;
      quoted = true;
      i = close + 1;
    } else {
      return null;
    }
  }
  const first = words[0];
  if (first === undefined || first.value !== first.text || RESERVED.has(first.value) || first.value.includes('=')) return null;
  if (lexedOtherwise(first.value)) return null;
  return words;
}

/** argv values of a plain command line, or null. */
export function plainArgv(command: string): string[] | null {
  return plainWords(command)?.map((w) => w.value) ?? null;
}
