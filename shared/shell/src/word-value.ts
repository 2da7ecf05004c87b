/**
 * Static value of a shell word: quotes removed, escapes decoded, variables replaced by the values
 * they were given earlier in the same command line. A part only known when the command runs
 * (an unknown variable, a command or process substitution, arithmetic) becomes the DYNAMIC marker,
 * so a caller can tell a literal `https://host/x` from `https://$H/x`.
 */
import type { SyntaxNode } from './syntax-node';

/** Stands for a part of a word that is only known at run time. */
export const DYNAMIC = '\uFFFC';

export interface Word {
  /** Source text, as written. */
  readonly text: string;
  /** Value after quote removal, with DYNAMIC where a part is not known statically. */
  readonly value: string;
  /** True when no part is dynamic. */
  readonly literal: boolean;
  /** Substitution groups (`$(…)`, `` `…` ``, `<(…)`, `>(…)`) inside the word, in source order. */
  readonly subs: readonly number[];
  /** `<(…)` or `>(…)` is the whole word. */
  readonly processSubstitution: boolean;
  /** Variables expanded in the word (`$NAME`, `${NAME}`), in source order. */
  readonly vars?: readonly string[];
}

/** Variables known so far: a literal value, or null for "assigned, but not statically". */
export type VariableScope = ReadonlyMap<string, string | null>;

/** Called for every substitution met inside a word; returns the group id its commands run in. */
export type SubstitutionVisitor = (node: SyntaxNode) => number;

/** Variables whose value is stable enough to stand in for a path prefix. */
const WELL_KNOWN: Readonly<Record<string, string>> = { HOME: '~' };

export function literalWord(text: string): Word {
  return { text, value: text, literal: !text.includes(DYNAMIC), subs: [], processSubstitution: false };
}

export function evaluateWord(node: SyntaxNode, source: string, scope: VariableScope, visit: SubstitutionVisitor): Word {
  const subs: number[] = [];
  const vars: string[] = [];
  const value = valueOf(node, source, scope, visit, subs, false, vars);
  const text = source.slice(node.start, node.end);
  const literal = !value.includes(DYNAMIC);
  const processSubstitution = node.type === 'process_substitution';
  return vars.length > 0 ? { text, value, literal, subs, processSubstitution, vars } : { text, value, literal, subs, processSubstitution };
}

function valueOf(n: SyntaxNode, src: string, scope: VariableScope, visit: SubstitutionVisitor, subs: number[], quoted: boolean, vars: string[]): string {
  switch (n.type) {
    case 'word':
      return n.children.length === 0 ? unescapeUnquoted(src.slice(n.start, n.end)) : spliced(n, src, scope, visit, subs, quoted, vars);
    case 'number':
    case 'variable_name':
      return src.slice(n.start, n.end);
    case 'raw_string':
      return src.slice(n.start + 1, Math.max(n.start + 1, n.end - 1));
    case 'ansi_c_string':
      return decodeAnsiC(src.slice(n.start + 2, Math.max(n.start + 2, n.end - 1)));
    case 'string':
    case 'translated_string': {
      const open = n.type === 'string' ? 1 : 2;
      return splicedRange(n, n.start + open, n.end - 1, src, scope, visit, subs, true, vars);
    }
    case 'string_content':
      return quoted ? unescapeDoubleQuoted(src.slice(n.start, n.end)) : unescapeUnquoted(src.slice(n.start, n.end));
    case 'concatenation':
      return spliced(n, src, scope, visit, subs, quoted, vars);
    case 'simple_expansion':
    case 'expansion':
      return expansionValue(n, src, scope, visit, subs, vars);
    case 'command_substitution':
    case 'process_substitution':
      subs.push(visit(n));
      return DYNAMIC;
    case 'arithmetic_expansion':
      collectNested(n, visit, subs);
      return DYNAMIC;
    default:
      // brace expressions, arrays, globs, here-document bodies and anything the grammar adds
      // later: as written, with any substitution inside still visited (its commands run).
      return n.children.length === 0 ? src.slice(n.start, n.end) : spliced(n, src, scope, visit, subs, quoted, vars);
  }
}

function spliced(n: SyntaxNode, src: string, scope: VariableScope, visit: SubstitutionVisitor, subs: number[], quoted: boolean, vars: string[]): string {
  return splicedRange(n, n.start, n.end, src, scope, visit, subs, quoted, vars);
}

/** Source text between the children (unescaped) and the children's values, in order. */
function splicedRange(n: SyntaxNode, from: number, to: number, src: string, scope: VariableScope, visit: SubstitutionVisitor, subs: number[], quoted: boolean, vars: string[]): string {
  let out = '';
  let at = from;
  for (const c of n.children) {
    if (c.start > at) out += quoted ? unescapeDoubleQuoted(src.slice(at, c.start)) : unescapeUnquoted(src.slice(at, c.start));
    out += valueOf(c, src, scope, visit, subs, quoted, vars);
    at = Math.max(at, c.end);
  }
  if (to > at) out += quoted ? unescapeDoubleQuoted(src.slice(at, to)) : unescapeUnquoted(src.slice(at, to));
  return out;
}

function expansionValue(n: SyntaxNode, src: string, scope: VariableScope, visit: SubstitutionVisitor, subs: number[], vars: string[]): string {
  const nameNode = n.children.find((c) => c.type === 'variable_name');
  // Anything beyond a plain ${NAME} (defaults, slicing, replacement) is not resolved statically;
  // substitutions inside it still run.
  const plain = nameNode !== undefined && (n.type === 'simple_expansion' || n.children.length === 1);
  collectNested(n, visit, subs);
  if (nameNode !== undefined && vars.length < 32) vars.push(src.slice(nameNode.start, nameNode.end));
  if (!plain || nameNode === undefined) return DYNAMIC;
  const name = src.slice(nameNode.start, nameNode.end);
  const known = scope.get(name);
  if (known !== undefined) return known ?? DYNAMIC;
  return WELL_KNOWN[name] ?? DYNAMIC;
}

/** Visits substitutions nested anywhere below n (defaults of expansions, arithmetic, test words). */
function collectNested(n: SyntaxNode, visit: SubstitutionVisitor, subs: number[]): void {
  const stack: SyntaxNode[] = [...n.children];
  while (stack.length > 0) {
    const c = stack.pop() as SyntaxNode;
    if (c.type === 'command_substitution' || c.type === 'process_substitution') subs.push(visit(c));
    else for (const g of c.children) stack.push(g);
  }
}

export function unescapeUnquoted(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && i + 1 < s.length) {
      const next = s[++i] as string;
      if (next !== '\n') out += next;
    } else out += ch;
  }
  return out;
}

function unescapeDoubleQuoted(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const next = s[i + 1];
    if (ch === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      if (next !== '\n') out += next;
      i++;
    } else out += ch;
  }
  return out;
}

const ANSI_SIMPLE: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function decodeAnsiC(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch !== '\\' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const e = s[++i] as string;
    const simple = ANSI_SIMPLE[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const max = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      let hex = '';
      while (hex.length < max && i + 1 < s.length && /[0-9a-fA-F]/.test(s[i + 1] as string)) hex += s[++i];
      const cp = hex === '' ? Number.NaN : parseInt(hex, 16);
      out += Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : `\\${e}${hex}`;
    } else if (e >= '0' && e <= '7') {
      let oct = e;
      while (oct.length < 3 && i + 1 < s.length && (s[i + 1] as string) >= '0' && (s[i + 1] as string) <= '7') oct += s[++i];
      out += String.fromCharCode(parseInt(oct, 8) & 0xff);
    } else {
      out += `\\${e}`;
    }
  }
  return out;
}
