import { defineConfig } from 'vitest/config';

// One ClickHouse engine per process: the forks pool gives each test file's worker its own
// process, and test/setup/worker.ts gives each worker its own data directory.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['{schemas,shared,services,test,dashboards}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Packages are built first (test/setup/build.ts); tests import the sources through the
    // packages' `development` export condition, which vitest resolves by default.
    globalSetup: ['test/setup/build.ts', 'test/setup/global.ts'],
    setupFiles: ['test/setup/worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
