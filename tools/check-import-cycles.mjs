#!/usr/bin/env node
/**
 * No import cycle, within a package or across packages: madge over every workspace package's
 * sources, with `@chainwatch/<name>` resolved to that package's entry (src/index.ts), so that a
 * cycle through another package's entry is found too. Exit code 1, and the cycles, when there are
 * any. Run by .ci/run (`npm run check:cycles`).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** `shared/*` → every directory under shared/. */
const packageDirs = workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${pattern.slice(0, -2)}/${e.name}`)
    : [pattern],
);

const sources = [];
const paths = {};
for (const dir of packageDirs) {
  const src = join(root, dir, 'src');
  if (!existsSync(join(root, dir, 'package.json')) || !existsSync(src)) continue;
  const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  sources.push(src);
  if (existsSync(join(src, 'index.ts'))) paths[name] = [relative(root, join(src, 'index.ts'))];
}

const result = await madge(sources, {
  fileExtensions: ['ts'],
  tsConfig: { compilerOptions: { baseUrl: root, paths, module: 'ESNext', moduleResolution: 'Bundler' } },
  excludeRegExp: [/\.test\.ts$/],
});
const graph = result.obj();
const crossPackage = Object.values(graph).flat().filter((dep) => dep.endsWith('/src/index.ts')).length;
const cycles = result.circular();
if (cycles.length > 0) {
  console.error(`import cycles (${cycles.length}):`);
  for (const cycle of cycles) console.error(`  ${cycle.join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycle: ${Object.keys(graph).length} modules of ${sources.length} packages, ${crossPackage} imports of a package entry resolved`);
