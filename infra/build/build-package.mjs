#!/usr/bin/env node
/**
 * Builds one workspace package to JavaScript: `node ../../infra/build/build-package.mjs [ENTRY...]`,
 * run by the package's `build` script (so `turbo run build` builds every package after the
 * packages it depends on). Entries default to `src/index.ts`; each becomes `dist/<name>.js`.
 *
 * - esbuild bundles the package's own modules into ES modules for Node 24 and leaves every bare
 *   import external: other workspace packages resolve through their `exports` (`default` →
 *   `dist/`, `development` → `src/`), npm packages from node_modules, exactly as at run time.
 * - Code splitting keeps dynamic `import()` lazy: a module imported on demand (the investigation
 *   routes, the embedded ClickHouse engine) becomes a chunk of its own, loaded only when called.
 * - Every output file lands directly in `dist/` (flat names), and `import.meta.url` in a source
 *   module is replaced by the URL of that source file computed from the output's location
 *   (`new URL('../src/engine/x.ts', import.meta.url)`), so paths a module resolves relative to
 *   itself (the shipped policy, the migrations, the protobuf definitions) still point where they
 *   do in the sources. Nothing is read from `src/` at run time.
 * - Linked source maps, so a profile of the built code names the TypeScript lines.
 */
import { readFile, rm } from 'node:fs/promises';
import { basename, extname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = process.cwd();
const entries = process.argv.slice(2);
const entryPoints = (entries.length > 0 ? entries : ['src/index.ts']).map((e) => resolve(root, e));
const outdir = resolve(root, 'dist');

/** `import.meta.url` of a source module, as seen from a file in dist/. */
const sourceUrl = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromDist = relative(outdir, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

// A fresh dist/ each time: chunk names carry content hashes, so stale chunks would pile up.
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: Object.fromEntries(entryPoints.map((p) => [basename(p, extname(p)), p])),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
  metafile: true,
  plugins: [sourceUrl],
});
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`build: ${relative(resolve(root, '../..'), root) || root} → dist/ (${files.length} file${files.length === 1 ? '' : 's'})`);
