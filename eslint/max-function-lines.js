/**
 * No function longer than `max` lines (blank lines and comments included), like ESLint's
 * max-lines-per-function, except the callback of a test suite (`describe(...)`, `describe.each(...)(...)`):
 * that is a list of tests, each of which (`it(...)`) is held to the limit itself.
 */
const SUITES = new Set(['describe', 'suite']);

function isSuiteCallback(node) {
  const call = node.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(node)) return false;
  let callee = call.callee;
  // describe.each(table)(name, fn), describe.skip(name, fn), describe.concurrent.each(...)(...)
  while (callee.type === 'CallExpression') callee = callee.callee;
  while (callee.type === 'MemberExpression') callee = callee.object;
  return callee.type === 'Identifier' && SUITES.has(callee.name);
}

export default {
  meta: {
    type: 'suggestion',
    docs: { description: 'limit the length of functions (test suites excepted)' },
    schema: [{ type: 'object', properties: { max: { type: 'integer', minimum: 1 } }, additionalProperties: false }],
    messages: { tooLong: '{{name}} has {{lines}} lines (at most {{max}}): split it into functions named for what they do' },
  },
  create(context) {
    const max = context.options[0]?.max ?? 120;
    const check = (node) => {
      if (isSuiteCallback(node)) return;
      // A method or property: count from its key, as the function starts there for a reader.
      const start = node.parent?.type === 'MethodDefinition' || node.parent?.type === 'Property' ? node.parent : node;
      const lines = node.loc.end.line - start.loc.start.line + 1;
      if (lines <= max) return;
      const key = start !== node ? start.key : null;
      const name = node.id?.name ?? (key?.type === 'Identifier' ? key.name : null) ?? (node.parent?.type === 'VariableDeclarator' && node.parent.id.type === 'Identifier' ? node.parent.id.name : null);
      context.report({ node: start, messageId: 'tooLong', data: { name: name ? `function '${name}'` : 'this function', lines: String(lines), max: String(max) } });
    };
    return { FunctionDeclaration: check, FunctionExpression: check, ArrowFunctionExpression: check };
  },
};
