/**
 * Whether simple-syntax.ts gives the grammar's tree for a line, as the walk sees it: node types,
 * fields and spans, with every word node replaced by its evaluated Words (value, text, literal,
 * variables, substitutions), since the walk reads words only through evaluateWord. Words are
 * evaluated with no variable known, with every variable holding a marker of its own name, and
 * with every variable known to be dynamic: two words that agree on all three agree whatever the
 * variables hold (a value is literal text and variable values, in order). The substitutions a
 * word visits are compared as trees too, in the order the walk visits them.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BashGrammar } from '../src/bash-grammar';
import { WORD_TYPES } from '../src/collect-invocations';
import { DEFAULT_LIMITS } from '../src/limits';
import { simpleSyntax } from '../src/simple-syntax';
import type { SyntaxNode } from '../src/syntax-node';
import { evaluateWord, type VariableScope } from '../src/word-value';

/** Generous parse time: a loaded machine must not turn a parse into a difference. */
const BOUNDS = { ...DEFAULT_LIMITS, parseBudgetMs: 60_000 };

const SCOPES: readonly VariableScope[] = [
  new Map(),
  { get: (name: string) => `\u0001${name}\u0001` } as unknown as VariableScope,
  { get: () => null } as unknown as VariableScope,
];

function walkView(n: SyntaxNode, src: string): unknown {
  if (WORD_TYPES.has(n.type)) {
    // The walk visits each substitution of a word (its statements, in order) and numbers it.
    const substitutions: unknown[] = [];
    const words = SCOPES.map((scope, k) =>
      evaluateWord(n, src, scope, (sub) => {
        if (k === 0) substitutions.push({ type: sub.type, start: sub.start, end: sub.end, children: sub.children.map((c) => walkView(c, src)) });
        return substitutions.length;
      }),
    );
    return { field: n.field, words, substitutions };
  }
  return { type: n.type, field: n.field, start: n.start, end: n.end, children: n.children.map((c) => walkView(c, src)) };
}

function shape(n: SyntaxNode, src: string, depth = 0): string {
  return `${'  '.repeat(depth)}${n.type}${n.field !== null ? ` [${n.field}]` : ''} ${JSON.stringify(src.slice(n.start, n.end))}\n${n.children.map((c) => shape(c, src, depth + 1)).join('')}`;
}

export type Equivalence = { readonly result: 'declined' | 'same' } | { readonly result: 'different'; readonly detail: string };

export function compareWithGrammar(grammar: BashGrammar, line: string): Equivalence {
  const simple = simpleSyntax(line, DEFAULT_LIMITS);
  if (simple === null) return { result: 'declined' };
  const parsed = grammar.parse(line, BOUNDS);
  if (!simple.ok || simple.hasError) return { result: 'different', detail: 'simple tree not ok' };
  if (!parsed.ok) return { result: 'different', detail: `grammar: ${parsed.reason}` };
  if (parsed.hasError) return { result: 'different', detail: `grammar has an error:\n${shape(parsed.root, line)}` };
  // The walk reads the root's children only (its span is the grammar's business).
  const view = (root: SyntaxNode): unknown => ({ type: root.type, children: root.children.map((c) => walkView(c, line)) });
  if (isDeepStrictEqual(view(simple.root), view(parsed.root))) return { result: 'same' };
  return { result: 'different', detail: `simple:\n${shape(simple.root, line)}grammar:\n${shape(parsed.root, line)}` };
}
