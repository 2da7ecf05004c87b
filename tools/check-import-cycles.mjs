#!/usr/bin/env node
/**
 * No import cycle, within a package or across packages: the import graph of every workspace
 * package's sources (tests excluded), with `@chainwatch/<name>` resolved to that package's entry
 * (src/index.ts), so that a cycle through another package's entry is found too. Imports are read
 * with TypeScript's own pre-processor (imports, re-exports, dynamic imports, type imports alike);
 * cycles are the strongly connected components of the graph. Exit code 1, and the cycles, when
 * there are any. Run by .ci/run (`npm run check:cycles`); `npx madge --circular --extensions ts`
 * over the same sources agrees.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

/** Package name → its entry; the .ts files under every package's src/. */
const entries = new Map();
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) files.push(path);
  }
};
for (const dir of packageDirs) {
  const src = join(root, dir, 'src');
  if (!existsSync(join(root, dir, 'package.json')) || !existsSync(src)) continue;
  const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  if (existsSync(join(src, 'index.ts'))) entries.set(name, join(src, 'index.ts'));
  walk(src);
}

const isFile = (path) => existsSync(path) && statSync(path).isFile();
/** The file an import names, or null when it is outside the workspace (a dependency, node:). */
function resolveImport(from, specifier) {
  if (specifier.startsWith('.')) {
    const base = resolve(dirname(from), specifier);
    for (const candidate of [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) if (isFile(candidate)) return candidate;
    return null;
  }
  return entries.get(specifier) ?? null;
}

const graph = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  graph.set(file, [...new Set(importedFiles.map((i) => resolveImport(file, i.fileName)).filter((f) => f !== null))]);
}

/** Tarjan's strongly connected components; a component of two or more modules (or a self-import) is a cycle. */
function cycles() {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

const found = cycles();
const crossPackage = [...graph.values()].flat().filter((f) => [...entries.values()].includes(f)).length;
if (found.length > 0) {
  console.error(`import cycles (${found.length}):`);
  for (const component of found) console.error(`  ${component.map((f) => relative(root, f)).join(' <-> ')}`);
  process.exit(1);
}
console.log(`no import cycle: ${graph.size} modules of ${entries.size} packages, ${crossPackage} imports of a package entry`);
