import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the bench runs in (the bench starts services from it and runs from a checkout, never from an image). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI's TypeScript entry, for children run from sources (development). */
export const CLI_SOURCE_MAIN: string = join(REPO_ROOT, 'services', 'cli', 'src', 'main.ts');

/** Node arguments that run TypeScript sources: workspace packages resolved to src/ (the `development` condition) through tsx. */
export const SOURCE_NODE_ARGS: readonly string[] = ['--conditions=development', '--import', 'tsx'];

/** The bench package's folder. */
const BENCH_ROOT: string = join(REPO_ROOT, 'shared', 'bench');

/**
 * Built or sources: how this process runs. The CLI run as `node services/cli/dist/main.js` (what
 * `npm run bench` does) is built; run through tsx from `src/main.ts` it is sources.
 */
export const currentRuntime = (): 'built' | 'sources' => (/\.ts$/.test(process.argv[1] ?? '') ? 'sources' : 'built');

/** Node arguments that run one of the bench's process scripts (decision-server, bare-server, load-generator). */
export function benchScript(name: string, runtime: 'built' | 'sources'): string[] {
  return runtime === 'built' ? [join(BENCH_ROOT, 'dist', `${name}.js`)] : [...SOURCE_NODE_ARGS, join(BENCH_ROOT, 'src', `${name}.ts`)];
}
