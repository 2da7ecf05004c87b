/**
 * The syntax tree of a simple command line, built without the grammar: commands of plain words
 * (plain characters, single quotes, double quotes, `$NAME` and `${NAME}`, `$(…)` and `<(…)` of
 * simple lines), with leading `NAME=value` assignments or as `export NAME=value …`, subshells
 * `( … )`, joined by `|`, `&&`, `||` and `;`, with redirections to one word at the end of a command
 * (`> f`, `>> f`, `2> f`, `< f`, `&> f`, `2>&1`, `>&2`). Most agent command lines are like that
 * (`git add -A && git commit -m "x"`, `yarn test 2>&1 | tail -n 40`, `curl -H "Authorization:
 * Bearer $TOKEN" https://…`), and parsing them with the WebAssembly grammar costs more than
 * reading them.
 *
 * The tree is the one tree-sitter-bash gives, as bash-grammar.ts converts it, including its
 * choices where bash itself would read the line differently: a redirection after a pipeline or a
 * list applies to the whole of it (`a && b > f` is `(a && b) > f`), and a pipeline after that
 * starts a new pipeline. Word nodes may differ in shape where the walk cannot tell them apart (a
 * `number` read as a `word`): a word here evaluates as the grammar's does, whatever the variables
 * hold. Tests compare both trees, words evaluated, on every piece of code the shell corpus parses
 * and on generated lines; anything outside this subset, and the shapes the grammar's ambiguity
 * resolves its own way, return null and go to the grammar.
 */
import type { ParseBounds, ParseOutcome } from './bash-grammar';
import { lexedOtherwise } from './plain-command';

/** Longest line read here; longer ones go to the grammar. */
const MAX_SIMPLE = 2_048;

/** Reserved words, and commands the grammar reads as something other than a simple command. */
const NOT_A_COMMAND = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '!', '{', '}', '[[', ']]',
  'declare', 'typeset', 'export', 'readonly', 'local', 'unset', 'unsetenv',
]);
/** Declaration commands: read here when every operand is an assignment. */
const DECLARATIONS = new Set(['declare', 'typeset', 'export', 'readonly', 'local']);

/** Characters of unquoted word text: plain-command.ts's, and `?` and `*` (word characters to the grammar; globs are not expanded). */
const isPlainChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 47 || c === 58 || c === 64 || c === 37 || c === 43 || c === 44 || c === 61 || c === 126 || c === 63 || c === 42;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);

interface Node {
  type: string;
  field: string | null;
  start: number;
  end: number;
  children: Node[];
}

const node = (type: string, field: string | null, start: number, end: number, children: Node[] = []): Node => ({ type, field, start, end, children });

interface WordToken {
  readonly k: 'word';
  readonly start: number;
  readonly end: number;
  readonly parts: Node[];
}

/** A token of the line: a word (with its parts), an operator, or a redirection operator with its descriptor. */
type Token =
  | WordToken
  | { readonly k: 'subshell'; readonly start: number; readonly end: number; readonly statements: Node[] }
  | { readonly k: 'op'; readonly op: '|' | '&&' | '||' | ';'; readonly start: number }
  | { readonly k: 'redir'; readonly op: string; readonly start: number; readonly opStart: number; readonly end: number; readonly fd: boolean };

/**
 * The tokens of the line from `from`, or null when it has anything beyond the subset. Nested (in
 * `$(…)`, `<(…)` or `( … )`), the tokens end at the `)` that closes the region (`end` is its index).
 */
function tokens(s: string, from: number, nested: boolean): { toks: Token[]; end: number } | null {
  const out: Token[] = [];
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    if (c === 41 /* ) */) return nested ? { toks: out, end: i } : null;
    if (c === 40 /* ( */) {
      // A subshell: its statements, then a space, an operator, a redirection or the end. `((` is
      // arithmetic to the grammar.
      if (s.charCodeAt(i + 1) === 40) return null;
      const inner = region(s, i + 1);
      if (inner === null || !endsToken(s, inner.end + 1)) return null;
      out.push({ k: 'subshell', start: i, end: inner.end + 1, statements: inner.statements });
      i = inner.end + 1;
      continue;
    }
    if (c === 60 /* < */ && s.charCodeAt(i + 1) === 40) {
      // `<(…)`: a process substitution, as a whole word.
      const inner = region(s, i + 2);
      if (inner === null || !endsToken(s, inner.end + 1)) return null;
      out.push({ k: 'word', start: i, end: inner.end + 1, parts: [node('process_substitution', null, i, inner.end + 1, inner.statements)] });
      i = inner.end + 1;
      continue;
    }
    if (c === 124 /* | */) {
      const next = s.charCodeAt(i + 1);
      if (next === 38 /* & */) return null;
      out.push({ k: 'op', op: next === 124 ? '||' : '|', start: i });
      i += next === 124 ? 2 : 1;
      continue;
    }
    if (c === 38 /* & */) {
      const next = s.charCodeAt(i + 1);
      if (next === 38) {
        out.push({ k: 'op', op: '&&', start: i });
        i += 2;
        continue;
      }
      if (next !== 62 /* > */) return null;
      const append = s.charCodeAt(i + 2) === 62;
      const end = i + (append ? 3 : 2);
      out.push({ k: 'redir', op: append ? '&>>' : '&>', start: i, opStart: i, end, fd: false });
      i = end;
      continue;
    }
    if (c === 59 /* ; */) {
      if (s.charCodeAt(i + 1) === 59) return null;
      out.push({ k: 'op', op: ';', start: i });
      i++;
      continue;
    }
    if (c === 62 /* > */ || c === 60 /* < */) {
      const r = redirectOperator(s, i);
      if (r === null) return null;
      out.push({ k: 'redir', op: r.op, start: i, opStart: i, end: r.end, fd: false });
      i = r.end;
      continue;
    }
    // A descriptor: digits at the start of a word, right before > or < (the grammar reads 0… as a number).
    if (isDigit(c) && c !== 48) {
      let j = i + 1;
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      const after = s.charCodeAt(j);
      if (after === 62 || after === 60) {
        const r = redirectOperator(s, j);
        if (r === null) return null;
        // The grammar drops a `-` word right before a descriptor (`cat - 2>f`).
        const prev = out[out.length - 1];
        if (prev !== undefined && prev.k === 'word' && prev.end - prev.start === 1 && s.charCodeAt(prev.start) === 45) return null;
        out.push({ k: 'redir', op: r.op, start: i, opStart: j, end: r.end, fd: true });
        i = r.end;
        continue;
      }
    }
    const w = word(s, i);
    if (w === null) return null;
    out.push(w);
    i = w.end;
  }
  return nested ? null : { toks: out, end: n };
}

/** Whether a token may end at i: a space, an operator, a redirection, a closing parenthesis or the end. */
function endsToken(s: string, i: number): boolean {
  if (i >= s.length) return true;
  const c = s.charCodeAt(i);
  return c === 32 || c === 124 || c === 38 || c === 59 || c === 62 || c === 60 || c === 41;
}

/** The statements of a region opened by `(` (or `$(`, `<(`) just before `from`, up to its `)`. */
function region(s: string, from: number): { statements: Node[]; end: number } | null {
  const t = tokens(s, from, true);
  if (t === null) return null;
  const statements = new SimpleParser(s, t.toks, true).statements();
  return statements === null ? null : { statements, end: t.end };
}

/** `>`, `>>`, `<`, or `>&` before a descriptor number; null for the others (`>|`, `<<`, `<&`, `<>`, `>&-` …). */
function redirectOperator(s: string, i: number): { op: string; end: number } | null {
  const c = s.charCodeAt(i);
  const next = s.charCodeAt(i + 1);
  if (c === 60) return next === 60 || next === 38 || next === 62 || next === 40 ? null : { op: '<', end: i + 1 };
  if (next === 62) return { op: '>>', end: i + 2 };
  if (next === 38) return isDigit(s.charCodeAt(i + 2)) ? { op: '>&', end: i + 2 } : null;
  if (next === 124 || next === 40) return null;
  return { op: '>', end: i + 1 };
}

/** `$NAME` or `${NAME}` at i (a simple_expansion or an expansion holding a variable_name), or null. */
function expansion(s: string, i: number): Node | null {
  const braced = s.charCodeAt(i + 1) === 123; /* { */
  const from = i + (braced ? 2 : 1);
  if (!isNameStart(s.charCodeAt(from))) return null;
  let j = from + 1;
  while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
  // `$_` is the special parameter (a special_variable_name to the grammar).
  if (j === from + 1 && s.charCodeAt(from) === 95) return null;
  const name = node('variable_name', null, from, j);
  if (!braced) return node('simple_expansion', null, i, j, [name]);
  return s.charCodeAt(j) === 125 /* } */ ? node('expansion', null, i, j + 1, [name]) : null;
}

/** `$(…)` at i: a command_substitution holding its statements, or null (`$((` is arithmetic, not read here). */
function commandSubstitution(s: string, i: number): Node | null {
  if (s.charCodeAt(i + 2) === 40) return null;
  const inner = region(s, i + 2);
  return inner === null ? null : node('command_substitution', null, i, inner.end + 1, inner.statements);
}

/** A double-quoted string at i: string_content runs, expansions and command substitutions, or null. */
function doubleQuoted(s: string, i: number): Node | null {
  const children: Node[] = [];
  let run = i + 1;
  let k = i + 1;
  for (;;) {
    if (k >= s.length) return null;
    const x = s.charCodeAt(k);
    if (x === 34 /* " */) break;
    // No escapes, backquotes or history marks; no line breaks.
    if (x === 10 || x === 13 || x === 96 || x === 92 || x === 33) return null;
    if (x !== 36 /* $ */) {
      k++;
      continue;
    }
    const e = s.charCodeAt(k + 1) === 40 ? commandSubstitution(s, k) : expansion(s, k);
    if (e === null) return null;
    // White space alone before an expansion is part of the expansion's node to the grammar (`" $X"`).
    if (k > run && /^\s+$/.test(s.slice(run, k))) return null;
    if (k > run) children.push(node('string_content', null, run, k));
    children.push(e);
    k = e.end;
    run = k;
  }
  if (k > run) children.push(node('string_content', null, run, k));
  return node('string', null, i, k + 1, children);
}

/** One word from i: plain characters, quoted parts and expansions, up to a space or an operator. */
function word(s: string, from: number): WordToken | null {
  const n = s.length;
  const parts: Node[] = [];
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isPlainChar(c)) {
      const start = i;
      while (i < n && isPlainChar(s.charCodeAt(i))) i++;
      parts.push(node('word', null, start, i));
      continue;
    }
    if (c === 39 /* ' */) {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return null;
      for (let k = i + 1; k < close; k++) {
        const x = s.charCodeAt(k);
        if (x === 10 || x === 13) return null;
      }
      parts.push(node('raw_string', null, i, close + 1));
      i = close + 1;
      continue;
    }
    if (c === 34 /* " */) {
      const str = doubleQuoted(s, i);
      if (str === null) return null;
      parts.push(str);
      i = str.end;
      continue;
    }
    if (c === 36 /* $ */) {
      const e = s.charCodeAt(i + 1) === 40 ? commandSubstitution(s, i) : expansion(s, i);
      if (e === null) return null;
      parts.push(e);
      i = e.end;
      continue;
    }
    break;
  }
  if (i === from) return null;
  // The word must end at a space, an operator, a closing parenthesis or the end of the line.
  if (i < n) {
    const c = s.charCodeAt(i);
    if (!endsToken(s, i)) return null;
    // `a2>f`: whether 2 is a descriptor is the grammar's call.
    if ((c === 62 || c === 60) && isDigit(s.charCodeAt(i - 1))) return null;
  }
  // `==` and `=~` are operators of the grammar's command rule, not words.
  if (s.charCodeAt(from) === 61) return null;
  return { k: 'word', start: from, end: i, parts };
}

/** The node of a word: its only part, or a concatenation of its parts. */
function wordNode(start: number, end: number, parts: Node[], field: string | null): Node {
  if (parts.length === 1) {
    const p = parts[0] as Node;
    p.field = field;
    return p;
  }
  return node('concatenation', field, start, end, parts);
}

/**
 * Whether the unquoted expansions of a word (or of an assignment's value) are in the shapes read
 * here: `$X` or `${X}` as the whole word, or followed by a path (`$HOME/x`). Other neighbours
 * (`$X$Y-`, `a$X.b`) are lexed in ways of the grammar's own.
 */
function expansionsPlain(s: string, parts: readonly Node[]): boolean {
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as Node;
    // `$(…)` and `<(…)` unquoted: only as the whole word.
    if (p.type === 'command_substitution' || p.type === 'process_substitution') {
      if (parts.length > 1) return false;
      continue;
    }
    if (p.type !== 'simple_expansion' && p.type !== 'expansion') continue;
    if (k !== 0 || parts.length > 2) return false;
    const next = parts[1];
    if (next !== undefined && (next.type !== 'word' || s.charCodeAt(next.start) !== 47)) return false;
  }
  return true;
}

/** A plain word: one unquoted part without expansions. */
const isPlainWord = (t: WordToken): boolean => t.parts.length === 1 && (t.parts[0] as Node).type === 'word';

/**
 * `NAME=value` as the grammar's variable_assignment, null when the word is not an assignment, or
 * false when it is one this reader leaves to the grammar (`A=`, `A==b`).
 */
function assignment(s: string, t: WordToken): Node | null | false {
  const first = t.parts[0] as Node;
  if (first.type !== 'word' || !isNameStart(s.charCodeAt(first.start))) return null;
  // `_` is a special parameter to the grammar (`_=x` is not an assignment there).
  if (s.charCodeAt(first.start) === 95) return false;
  let eq = first.start + 1;
  while (eq < first.end && isNameChar(s.charCodeAt(eq))) eq++;
  if (eq >= first.end || s.charCodeAt(eq) !== 61 /* = */) return null;
  const valueParts = eq + 1 < first.end ? [node('word', null, eq + 1, first.end), ...t.parts.slice(1)] : t.parts.slice(1);
  if (valueParts.length === 0 || s.charCodeAt(eq + 1) === 61 || !expansionsPlain(s, valueParts)) return false;
  const name = node('variable_name', 'name', first.start, eq);
  return node('variable_assignment', null, t.start, t.end, [name, wordNode(eq + 1, t.end, valueParts, 'value')]);
}

/**
 * The converted tree of a simple line, or null. Bounds: a line the grammar would refuse (too many
 * nodes, too deep) is left to the grammar, which reports it.
 */
export function simpleSyntax(source: string, bounds: ParseBounds): ParseOutcome | null {
  if (source.length === 0 || source.length > MAX_SIMPLE || source.length * 4 + 8 > bounds.maxNodes) return null;
  const t = tokens(source, 0, false);
  if (t === null) return null;
  const statements = new SimpleParser(source, t.toks, false).statements();
  if (statements === null) return null;
  const root = node('program', null, 0, source.length, statements);
  // Each level of lists, pipelines and redirections takes a token, and words nest at most five
  // deep below their command: only a long line, or one with nested statements, needs its depth measured.
  if ((t.toks.length + 10 >= bounds.maxSyntaxDepth || source.includes('(')) && depthOf(root) + 4 >= bounds.maxSyntaxDepth) return null;
  return { ok: true, root, hasError: false };
}

class SimpleParser {
  private readonly done: Node[] = [];
  /** The statement since the last `;`: everything before the last && or || (or a redirected statement). */
  private list: Node | null = null;
  /** The pipeline stages since then. */
  private stages: Node[] = [];
  private i = 0;

  constructor(
    private readonly source: string,
    private readonly toks: readonly Token[],
    /** Inside `( … )`, `$(…)` or `<(…)`: the region's end is not the end of the line. */
    private readonly nested: boolean,
  ) {}

  /** The statements of the tokens (of a program, or of a parenthesised region), or null. */
  statements(): Node[] | null {
    const toks = this.toks;
    /** 'command': a command must come next; 'op': an operator or the end; 'start': after `;`, a command or the end. */
    let expect: 'command' | 'op' | 'start' = 'command';
    while (this.i < toks.length) {
      const t = toks[this.i] as Token;
      if (t.k === 'op') {
        if (expect !== 'op') return null;
        if (t.op === '|') {
          if (this.stages.length === 0) {
            // After a redirection: the redirected statement is the first stage of a new pipeline.
            this.stages = [this.list as Node];
            this.list = null;
          }
          expect = 'command';
        } else if (t.op === ';') {
          this.closePipeline();
          if (this.list !== null) this.done.push(this.list);
          this.list = null;
          expect = 'start';
        } else {
          // Pipelines of three or more stages followed by more of the statement come out of the
          // grammar's ambiguity in shapes of their own (`a | b | c && d` is `a | ((b | c) && d)`):
          // left to the grammar.
          if (this.stages.length >= 3) return null;
          this.closePipeline();
          expect = 'command';
        }
        this.i++;
        continue;
      }
      if (t.k === 'redir' || expect === 'op') return null;
      const statement = this.simpleStatement();
      if (statement === null) return null;
      // `A=1 > f` is a command without a name to the grammar (an error): left to it.
      const next = toks[this.i];
      if (next !== undefined && next.k === 'redir' && (statement.type === 'variable_assignment' || statement.type === 'variable_assignments')) return null;
      this.stages.push(statement);
      expect = 'op';
      if (!this.redirections()) return null;
    }
    if (expect === 'command') return null;
    this.closePipeline();
    if (this.list !== null) this.done.push(this.list);
    return this.done.length === 0 ? null : this.done;
  }

  private closePipeline(): void {
    const stages = this.stages;
    if (stages.length === 0) return;
    const p = stages.length === 1 ? (stages[0] as Node) : node('pipeline', null, (stages[0] as Node).start, (stages[stages.length - 1] as Node).end, stages);
    this.list = this.list === null ? p : node('list', null, this.list.start, p.end, [this.list, p]);
    this.stages = [];
  }

  /** A command (with leading assignments), assignments alone, or a declaration of assignments. */
  private simpleStatement(): Node | null {
    const toks = this.toks;
    const s = this.source;
    const first = toks[this.i] as Token;
    if (first.k === 'subshell') {
      // `( … )`: its statements; words after it are the grammar's business.
      this.i++;
      const next = toks[this.i];
      return next !== undefined && next.k === 'word' ? null : node('subshell', null, first.start, first.end, first.statements);
    }
    const start = (first as WordToken).start;
    const children: Node[] = [];
    for (;;) {
      const t = toks[this.i];
      if (t === undefined || t.k !== 'word') break;
      const a = assignment(s, t);
      if (a === false) return null;
      if (a === null) break;
      children.push(a);
      this.i++;
    }
    const t = toks[this.i];
    if (t === undefined || t.k !== 'word') {
      // Assignments alone: `A=1`, `A=1 B=2`.
      if (children.length === 0) return null;
      if (children.length === 1) return children[0] as Node;
      return node('variable_assignments', null, start, (children[children.length - 1] as Node).end, children);
    }
    if (!isPlainWord(t)) return null;
    const name = s.slice(t.start, t.end);
    this.i++;
    if (DECLARATIONS.has(name) && children.length === 0) return this.declaration(t);
    if (NOT_A_COMMAND.has(name) || name.includes('=') || name.includes('?') || name.includes('*') || lexedOtherwise(name)) return null;
    // After an assignment the grammar's lexer may read a name otherwise (`A=1 a@b`, `A=1 - B=2`):
    // only names of letters, digits and `_ . / -`, starting with a letter, `_`, `.` or `/`.
    if (children.length > 0 && !/^[A-Za-z_./][\w./-]*$/.test(name)) return null;
    children.push(node('command_name', 'name', t.start, t.end, [wordNode(t.start, t.end, t.parts, null)]));
    let end = t.end;
    for (;;) {
      const a = toks[this.i];
      if (a === undefined || a.k !== 'word') break;
      if (!expansionsPlain(this.source, a.parts)) return null;
      children.push(wordNode(a.start, a.end, a.parts, 'argument'));
      end = a.end;
      this.i++;
    }
    return node('command', null, start, end, children);
  }

  /** `export A=1 B="$x"`: every operand an assignment (other operands are the grammar's call). */
  private declaration(keyword: WordToken): Node | null {
    const children: Node[] = [];
    let end = keyword.end;
    for (;;) {
      const t = this.toks[this.i];
      if (t === undefined || t.k !== 'word') break;
      const a = assignment(this.source, t);
      if (a === null || a === false) return null;
      children.push(a);
      end = t.end;
      this.i++;
    }
    if (children.length === 0) return null;
    return node('declaration_command', null, keyword.start, end, children);
  }

  /** Redirections at the end of a statement; false when they are not ones read here. */
  private redirections(): boolean {
    const toks = this.toks;
    const redirects: Node[] = [];
    while (this.i < toks.length) {
      const r = toks[this.i] as Token;
      if (r.k !== 'redir') break;
      const dest = toks[this.i + 1];
      if (dest === undefined || dest.k !== 'word' || !expansionsPlain(this.source, dest.parts)) return false;
      // One destination word: the grammar gives a redirection every word that follows it.
      const after = toks[this.i + 2];
      if (after !== undefined && after.k === 'word') return false;
      if (r.op === '>&' && !(isPlainWord(dest) && /^\d+$/.test(this.source.slice(dest.start, dest.end)))) return false;
      const parts: Node[] = [];
      if (r.fd) parts.push(node('file_descriptor', 'descriptor', r.start, r.opStart));
      parts.push(node(r.op, null, r.opStart, r.end));
      parts.push(r.op === '>&' ? node('number', 'destination', dest.start, dest.end) : wordNode(dest.start, dest.end, dest.parts, 'destination'));
      redirects.push(node('file_redirect', 'redirect', r.start, dest.end, parts));
      this.i += 2;
    }
    if (redirects.length === 0) return true;
    // A redirection applies to everything since the last `;`: the pipeline and the list so far
    // (after three stages or more, only when the line or the statement ends there, see above).
    const next = toks[this.i];
    if (this.stages.length >= 3 && (next === undefined ? this.nested : !(next.k === 'op' && next.op === ';'))) return false;
    this.closePipeline();
    const body = this.list as Node;
    body.field = 'body';
    this.list = node('redirected_statement', null, body.start, (redirects[redirects.length - 1] as Node).end, [body, ...redirects]);
    return true;
  }
}

/** Ancestors of the deepest node that has children (the measure bash-grammar.ts bounds). */
function depthOf(root: Node): number {
  let max = 0;
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [n, d] = stack.pop() as [Node, number];
    if (n.children.length > 0) {
      max = Math.max(max, d);
      for (const c of n.children) stack.push([c, d + 1]);
    }
  }
  return max;
}
