/**
 * Falco-style macro expansion for CEL conditions. A macro or list is referenced by its bare name;
 * the expander replaces whole identifiers only (word boundaries), never inside string literals or
 * comments, never after a `.` (field or method names) and never before `(` (function calls).
 * A macro name becomes its own expanded condition in parentheses; a list name becomes
 * `lists.<name>`. Cycles are detected and reported with the path.
 */

export interface MacroDefinition {
  readonly name: string;
  readonly condition: string;
}

export class MacroExpansionError extends Error {
  constructor(
    message: string,
    /** The macro where the problem is, when it is inside one. */
    readonly macro: string | undefined,
  ) {
    super(message);
    this.name = 'MacroExpansionError';
  }
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** End index (exclusive) of the string literal whose opening quote is at `i`. */
function skipString(src: string, i: number, raw: boolean): number {
  const q = src[i] as string;
  const triple = src.startsWith(q + q + q, i);
  const close = triple ? q + q + q : q;
  let j = i + close.length;
  while (j < src.length) {
    if (!raw && src[j] === '\\') {
      j += 2;
      continue;
    }
    if (src.startsWith(close, j)) return j + close.length;
    if (!triple && (src[j] === '\n' || src[j] === '\r')) break;
    j++;
  }
  return src.length; // unterminated: the CEL parser reports it
}

/**
 * Calls `visit` for every identifier that is a candidate reference (not a field, not a call).
 * `visit` returns the replacement text, or undefined to keep the identifier.
 */
export function rewriteIdentifiers(src: string, visit: (name: string) => string | undefined): string {
  let out = '';
  let last = 0;
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipString(src, i, false);
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c >= 48 && c <= 57) {
      // a number literal, including 0x1F and 1e5: never a reference
      while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      const next = src.charCodeAt(j);
      // string prefixes: r"..", b"..", rb"..", br".."
      if ((next === 34 || next === 39) && /^(r|b|rb|br)$/i.test(word)) {
        i = skipString(src, j, /r/i.test(word));
        continue;
      }
      let p = i - 1;
      while (p >= 0 && isSpace(src.charCodeAt(p))) p--;
      const afterDot = p >= 0 && src.charCodeAt(p) === 46;
      let n = j;
      while (n < src.length && isSpace(src.charCodeAt(n))) n++;
      const isCall = src.charCodeAt(n) === 40;
      if (!afterDot && !isCall) {
        const rep = visit(word);
        if (rep !== undefined) {
          out += src.slice(last, i) + rep;
          last = j;
        }
      }
      i = j;
      continue;
    }
    i++;
  }
  return last === 0 ? src : out + src.slice(last);
}

/** Expands macros (recursively, memoised) and list names in conditions. */
export class MacroExpander {
  private readonly expanded = new Map<string, string>();

  constructor(
    private readonly macros: ReadonlyMap<string, MacroDefinition>,
    private readonly listNames: ReadonlySet<string>,
  ) {}

  /** The expanded condition of a macro; throws MacroExpansionError on a cycle. */
  macro(name: string, stack: readonly string[] = []): string {
    const done = this.expanded.get(name);
    if (done !== undefined) return done;
    if (stack.includes(name)) {
      const from = stack.indexOf(name);
      throw new MacroExpansionError(`macro cycle: ${[...stack.slice(from), name].join(' -> ')}`, stack[from]);
    }
    const def = this.macros.get(name);
    if (def === undefined) throw new MacroExpansionError(`unknown macro '${name}'`, stack[stack.length - 1]);
    const text = this.expand(def.condition, [...stack, name]);
    this.expanded.set(name, text);
    return text;
  }

  /** Expand the macros and lists referenced by `condition`. */
  expand(condition: string, stack: readonly string[] = []): string {
    return rewriteIdentifiers(condition, (word) => {
      if (this.macros.has(word)) return `(${this.macro(word, stack)})`;
      if (this.listNames.has(word)) return `lists.${word}`;
      return undefined;
    });
  }

  /** Names of macros a condition refers to directly. */
  references(condition: string): string[] {
    const names: string[] = [];
    rewriteIdentifiers(condition, (word) => {
      if (this.macros.has(word) && !names.includes(word)) names.push(word);
      return undefined;
    });
    return names;
  }
}
