/**
 * A relative import may not leave its package: another workspace package is imported by name,
 * through its entry (`@chainwatch/kafka`), never by a path into its sources (`../../shared/kafka/src`).
 * The package of a file is the nearest directory above it with a package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const roots = new Map();

/** The directory of the nearest package.json at or above `dir`. */
function packageRoot(dir) {
  if (roots.has(dir)) return roots.get(dir);
  const parent = dirname(dir);
  const root = existsSync(resolve(dir, 'package.json')) || parent === dir ? dir : packageRoot(parent);
  roots.set(dir, root);
  return root;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid relative imports that reach into another package' },
    schema: [],
    messages: {
      across: "'{{source}}' reaches from {{from}} into {{to}}: import that package by name, from its entry",
    },
  },
  create(context) {
    const filename = context.filename;
    const own = packageRoot(dirname(filename));
    const check = (node) => {
      const source = node?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = packageRoot(dirname(resolve(dirname(filename), source)));
      // The target's own directory decides when the import names a directory or file at its root.
      const root = existsSync(resolve(dirname(filename), source, 'package.json')) ? resolve(dirname(filename), source) : target;
      if (root === own) return;
      const cwd = context.cwd;
      context.report({ node, messageId: 'across', data: { source, from: relative(cwd, own) || '.', to: relative(cwd, root) || '.' } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source.type === 'Literal' ? node.source : null),
    };
  },
};
