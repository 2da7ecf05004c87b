/**
 * The bash grammar: tree-sitter-bash (the grammar the tree-sitter project maintains) compiled to
 * WebAssembly, run by web-tree-sitter. Loading is asynchronous (the WebAssembly modules are
 * compiled once); parsing is synchronous and bounded in time, node count and depth.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type TreeCursor } from 'web-tree-sitter';
import type { SyntaxNode } from './syntax-node';

/** Why a parse was abandoned. */
export type TooComplexReason = 'input_length' | 'parse_time' | 'node_count' | 'syntax_depth' | 'code_depth' | 'command_count';

export type ParseOutcome =
  | { readonly ok: true; readonly root: SyntaxNode; readonly hasError: boolean }
  | { readonly ok: false; readonly reason: TooComplexReason };

export interface ParseBounds {
  readonly maxNodes: number;
  readonly maxSyntaxDepth: number;
  readonly parseBudgetMs: number;
}

export interface BashGrammar {
  parse(source: string, bounds: ParseBounds): ParseOutcome;
}

/** Anonymous tokens are dropped except inside redirections, where the operator (`>`, `>>`, `<`, `&>` …) matters. */
const KEEP_ANONYMOUS_UNDER = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);

let loading: Promise<Language> | null = null;

function loadLanguage(): Promise<Language> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    return Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  })();
  return loading;
}

export async function loadBashGrammar(): Promise<BashGrammar> {
  const language = await loadLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  const types = language.types;
  const fields = language.fields;
  const typeName = (id: number): string => types[id] ?? 'ERROR';
  // Per type id, whether it is named: read once, so the walk does not ask WebAssembly per node.
  const named: boolean[] = types.map((_, id) => language.nodeTypeIsNamed(id));

  return {
    parse(source, bounds) {
      const deadline = performance.now() + bounds.parseBudgetMs;
      let timedOut = false;
      // web-tree-sitter cancels the parse when the progress callback returns true (its .d.ts
      // declares void, the implementation reads the return value).
      const progressCallback = ((): boolean => {
        if (performance.now() > deadline) timedOut = true;
        return timedOut;
      }) as unknown as () => void;
      parser.reset();
      const tree = parser.parse(source, null, { progressCallback });
      if (tree === null) {
        parser.reset();
        return { ok: false, reason: timedOut ? 'parse_time' : 'node_count' };
      }
      try {
        const root = tree.rootNode;
        if (root.descendantCount > bounds.maxNodes) return { ok: false, reason: 'node_count' };
        const hasError = root.hasError;
        const converted = convert(tree.walk(), typeName, named, fields, bounds.maxSyntaxDepth);
        if (converted === null) return { ok: false, reason: 'syntax_depth' };
        return { ok: true, root: converted, hasError };
      } finally {
        tree.delete();
      }
    },
  };
}

interface Building {
  type: string;
  field: string | null;
  start: number;
  end: number;
  children: SyntaxNode[];
}

/** Copies the tree with a cursor (no Node objects): iterative, so depth never grows the JS stack. */
function convert(
  cursor: TreeCursor,
  typeName: (id: number) => string,
  namedTypes: readonly boolean[],
  fields: readonly (string | null)[],
  maxDepth: number,
): SyntaxNode | null {
  try {
    const root: Building = { type: typeName(cursor.nodeTypeId), field: null, start: cursor.startIndex, end: cursor.endIndex, children: [] };
    const stack: Building[] = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const parent = stack[stack.length - 1] as Building;
      const typeId = cursor.nodeTypeId;
      // ERROR (65535) is named and outside the types table.
      const named = namedTypes[typeId] ?? true;
      let entered = false;
      if (named || KEEP_ANONYMOUS_UNDER.has(parent.type)) {
        const fieldId = cursor.currentFieldId;
        const node: Building = {
          type: typeName(typeId),
          field: fieldId > 0 ? (fields[fieldId] ?? null) : null,
          start: cursor.startIndex,
          end: cursor.endIndex,
          children: [],
        };
        parent.children.push(node);
        if (named && cursor.gotoFirstChild()) {
          if (stack.length >= maxDepth) return null;
          stack.push(node);
          entered = true;
        }
      }
      if (entered) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || stack.length <= 1) return root;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
