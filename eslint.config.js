import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import chainwatch from './eslint/plugin.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/data/**', 'schemas/json/**', 'dashboards/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { chainwatch },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // Packages meet through their entries, never through each other's source paths.
      'chainwatch/no-relative-import-across-packages': 'error',
      // A function a reader can hold in view; a test suite's callback counts as its tests.
      'chainwatch/max-function-lines': ['error', { max: 120 }],
    },
  },
  {
    // Scripts run by node directly (the lint rules, tools/, infra/).
    files: ['**/*.mjs', 'eslint/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    // Retries and waits go through @chainwatch/runtime (retry, pollUntil, withTimeout, settlesWithin,
    // sleep): one policy as data, one timeout helper. Not a loop counting attempts, not a promise
    // around setTimeout.
    files: ['**/src/**/*.ts'],
    ignores: [
      'shared/runtime/src/timing/**',
      // The decision API's request path (decision-log batching, acknowledgement timeouts) is being
      // reworked by issue 14, which adopts the helpers there.
      'services/decision-api/src/decisions/publish-queue.ts',
      'services/decision-api/src/routes/events.ts',
      'services/decision-api/src/routes/traces.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout']",
          message: 'wait with sleep(), and retry or time out with retry(), pollUntil(), withTimeout() or settlesWithin() from @chainwatch/runtime',
        },
        {
          selector: 'ForStatement > VariableDeclaration > VariableDeclarator[id.name=/^attempts?$/]',
          message: 'retry with retry() and a RetryPolicy from @chainwatch/runtime',
        },
      ],
    },
  },
  {
    // The benchmarks are moving into a package of their own (issue 14), which will import what
    // they use by name; until then they reach into test/ and the CLI reaches into them.
    files: ['test/bench/**', 'services/cli/src/commands/bench-cli.ts'],
    rules: { 'chainwatch/no-relative-import-across-packages': 'off' },
  },
);
