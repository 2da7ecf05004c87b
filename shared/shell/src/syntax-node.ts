/**
 * The parse tree the analyser reads: a plain, immutable copy of the tree-sitter tree (node type,
 * field name, source span, children), so the analysis never holds WebAssembly memory and never
 * crosses into it after parsing.
 */
export interface SyntaxNode {
  readonly type: string;
  /** Field name in the parent (`name`, `argument`, `redirect`, `body`, ...), or null. */
  readonly field: string | null;
  /** Offsets into the parsed source, in UTF-16 code units (JavaScript string indexes). */
  readonly start: number;
  readonly end: number;
  readonly children: readonly SyntaxNode[];
}

/** The source text of a node. */
export const textOf = (source: string, n: SyntaxNode): string => source.slice(n.start, n.end);

/** First child with this field name. */
export function childByField(n: SyntaxNode, field: string): SyntaxNode | undefined {
  for (const c of n.children) if (c.field === field) return c;
  return undefined;
}

/** Children with this field name. */
export function childrenByField(n: SyntaxNode, field: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of n.children) if (c.field === field) out.push(c);
  return out;
}
