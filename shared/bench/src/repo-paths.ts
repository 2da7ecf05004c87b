import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the bench runs in (the bench starts services from it and runs from a checkout, never from an image). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI's TypeScript entry, for children run from sources (development). */
export const CLI_SOURCE_MAIN: string = join(REPO_ROOT, 'services', 'cli', 'src', 'main.ts');

/** Node arguments that run TypeScript sources: workspace packages resolved to src/ (the `development` condition) through tsx. */
export const SOURCE_NODE_ARGS: readonly string[] = ['--conditions=development', '--import', 'tsx'];
