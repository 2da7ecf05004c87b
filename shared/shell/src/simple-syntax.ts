/**
 * The syntax tree of a simple command line, built without the grammar: plain commands (the words
 * of plain-command.ts) joined by `|`, `&&`, `||` and `;`, with redirections to a plain word at the
 * end of a command (`> f`, `>> f`, `2> f`, `< f`, `&> f`, `2>&1`, `>&2`). Most agent command lines
 * are like that (`git add -A && git commit -m "x"`, `yarn test 2>&1 | tail -n 40`), and parsing
 * them with the WebAssembly grammar costs more than reading them.
 *
 * The tree is the one tree-sitter-bash gives, as bash-grammar.ts converts it, including its
 * choices where bash itself would read the line differently: a redirection after a pipeline or a
 * list applies to the whole of it (`a && b > f` is `(a && b) > f`), and a pipeline after that
 * starts a new pipeline. Word nodes may differ in shape where the walk cannot tell them apart (a
 * `number` read as a `word`, quoted parts split another way): every word here is literal and its
 * value (quotes removed) and span are the grammar's. A test compares both trees, words evaluated,
 * on the whole shell corpus and on generated lines; anything outside this subset returns null and
 * goes to the grammar.
 */
import type { ParseBounds, ParseOutcome } from './bash-grammar';

/** Longest line read here; longer ones go to the grammar. */
const MAX_SIMPLE = 2_048;

/** Reserved words, and commands the grammar reads as something other than a simple command. */
const NOT_A_COMMAND = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '!', '{', '}', '[[', ']]',
  'declare', 'typeset', 'export', 'readonly', 'local', 'unset', 'unsetenv',
]);

const isPlainChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 47 || c === 58 || c === 64 || c === 37 || c === 43 || c === 44 || c === 61 || c === 126;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

interface Node {
  type: string;
  field: string | null;
  start: number;
  end: number;
  children: Node[];
}

const node = (type: string, field: string | null, start: number, end: number, children: Node[] = []): Node => ({ type, field, start, end, children });

/** A token of the line: a word (with its parts), an operator, or a redirection operator with its descriptor. */
interface WordToken {
  readonly k: 'word';
  readonly start: number;
  readonly end: number;
  readonly parts: Node[];
  readonly quoted: boolean;
}

type Token =
  | WordToken
  | { readonly k: 'op'; readonly op: '|' | '&&' | '||' | ';'; readonly start: number }
  | { readonly k: 'redir'; readonly op: string; readonly start: number; readonly opStart: number; readonly end: number; readonly fd: boolean };

/** The tokens of the line, or null when it has anything beyond the subset. */
function tokens(s: string): Token[] | null {
  const out: Token[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      i++;
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
  return out;
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

/** One word from i: plain characters and quoted parts, up to a space or an operator. */
function word(s: string, from: number): WordToken | null {
  const n = s.length;
  const parts: Node[] = [];
  let quoted = false;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isPlainChar(c)) {
      const start = i;
      while (i < n && isPlainChar(s.charCodeAt(i))) i++;
      parts.push(node('word', null, start, i));
      continue;
    }
    if (c === 39 /* ' */ || c === 34 /* " */) {
      const close = s.indexOf(c === 39 ? "'" : '"', i + 1);
      if (close < 0) return null;
      for (let k = i + 1; k < close; k++) {
        const x = s.charCodeAt(k);
        // No escapes, expansions or history marks in double quotes; no line breaks in either.
        if (x === 10 || x === 13 || (c === 34 && (x === 36 || x === 96 || x === 92 || x === 33))) return null;
      }
      parts.push(c === 39 ? node('raw_string', null, i, close + 1) : node('string', null, i, close + 1, close > i + 1 ? [node('string_content', null, i + 1, close)] : []));
      quoted = true;
      i = close + 1;
      continue;
    }
    break;
  }
  if (i === from) return null;
  // The word must end at a space, an operator or the end of the line.
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 124 && c !== 38 && c !== 59 && c !== 62 && c !== 60) return null;
    // `a2>f`: whether 2 is a descriptor is the grammar's call.
    if ((c === 62 || c === 60) && isDigit(s.charCodeAt(i - 1))) return null;
  }
  // `==` and `=~` are operators of the grammar's command rule, not words.
  if (s.charCodeAt(from) === 61) return null;
  return { k: 'word', start: from, end: i, parts, quoted };
}

/** The argument node of a word: its only part, or a concatenation of its parts. */
function wordNode(t: WordToken, field: string | null): Node {
  if (t.parts.length === 1) {
    const p = t.parts[0] as Node;
    p.field = field;
    return p;
  }
  return node('concatenation', field, t.start, t.end, t.parts);
}

/**
 * The converted tree of a simple line, or null. Bounds: a line the grammar would refuse (too many
 * nodes, too deep) is left to the grammar, which reports it.
 */
export function simpleSyntax(source: string, bounds: ParseBounds): ParseOutcome | null {
  if (source.length === 0 || source.length > MAX_SIMPLE || source.length * 4 + 8 > bounds.maxNodes) return null;
  const toks = tokens(source);
  if (toks === null) return null;
  const statements: Node[] = [];
  // The statement since the last `;`: a list level (everything before the last && or ||, or a
  // redirected statement) and a pipeline level (the stages since then).
  let list: Node | null = null;
  let stages: Node[] = [];
  /** 'command': a command must come next; 'op': an operator or the end; 'start': after `;`, a command or the end. */
  let expect: 'command' | 'op' | 'start' = 'command';
  const closePipeline = (): void => {
    if (stages.length === 0) return;
    const p = stages.length === 1 ? (stages[0] as Node) : node('pipeline', null, (stages[0] as Node).start, (stages[stages.length - 1] as Node).end, stages);
    list = list === null ? p : node('list', null, list.start, p.end, [list, p]);
    stages = [];
  };
  let i = 0;
  while (i < toks.length) {
    const t = toks[i] as Token;
    if (t.k === 'op') {
      if (expect !== 'op') return null;
      if (t.op === '|') {
        if (stages.length === 0) {
          // After a redirection: the redirected statement is the first stage of a new pipeline.
          stages = [list as unknown as Node];
          list = null;
        }
        expect = 'command';
      } else if (t.op === ';') {
        closePipeline();
        if (list !== null) statements.push(list);
        list = null;
        expect = 'start';
      } else {
        // Pipelines of three or more stages followed by more of the statement come out of the
        // grammar's ambiguity in shapes of their own (`a | b | c && d` is `a | ((b | c) && d)`):
        // left to the grammar.
        if (stages.length >= 3) return null;
        closePipeline();
        expect = 'command';
      }
      i++;
      continue;
    }
    if (t.k === 'redir' || expect === 'op') return null;
    // A command: its name (a plain word the grammar reads as a command name), its arguments, then
    // the redirections that end it.
    if (t.quoted || t.parts.length !== 1) return null;
    const name = source.slice(t.start, t.end);
    if (NOT_A_COMMAND.has(name) || name.includes('=')) return null;
    const children: Node[] = [node('command_name', 'name', t.start, t.end, [wordNode(t, null)])];
    let end = t.end;
    i++;
    while (i < toks.length) {
      const a = toks[i] as Token;
      if (a.k !== 'word') break;
      children.push(wordNode(a, 'argument'));
      end = a.end;
      i++;
    }
    stages.push(node('command', null, t.start, end, children));
    expect = 'op';
    const redirects: Node[] = [];
    while (i < toks.length) {
      const r = toks[i] as Token;
      if (r.k !== 'redir') break;
      const dest = toks[i + 1];
      if (dest === undefined || dest.k !== 'word') return null;
      // One destination word: the grammar gives a redirection every word that follows it.
      const after = toks[i + 2];
      if (after !== undefined && after.k === 'word') return null;
      if (r.op === '>&' && (dest.quoted || !/^\d+$/.test(source.slice(dest.start, dest.end)))) return null;
      const parts: Node[] = [];
      if (r.fd) parts.push(node('file_descriptor', 'descriptor', r.start, r.opStart));
      parts.push(node(r.op, null, r.opStart, r.end));
      parts.push(r.op === '>&' ? node('number', 'destination', dest.start, dest.end) : wordNode(dest, 'destination'));
      redirects.push(node('file_redirect', 'redirect', r.start, dest.end, parts));
      i += 2;
    }
    if (redirects.length > 0) {
      // A redirection applies to everything since the last `;`: the pipeline and the list so far
      // (after three stages or more, only when the statement ends there, see above).
      const next = toks[i];
      if (stages.length >= 3 && next !== undefined && !(next.k === 'op' && next.op === ';')) return null;
      closePipeline();
      const body = list as unknown as Node;
      body.field = 'body';
      list = node('redirected_statement', null, body.start, (redirects[redirects.length - 1] as Node).end, [body, ...redirects]);
    }
  }
  if (expect === 'command') return null;
  closePipeline();
  if (list !== null) statements.push(list);
  if (statements.length === 0) return null;
  const root = node('program', null, 0, source.length, statements);
  if (depthOf(root) + 4 >= bounds.maxSyntaxDepth) return null;
  return { ok: true, root, hasError: false };
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
