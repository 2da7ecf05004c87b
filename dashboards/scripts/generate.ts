/**
 * Writes dashboards/generated/<uid>.json from the TypeScript definitions in src/.
 *
 *   npm run generate -w dashboards            # write
 *   npm run generate -w dashboards -- --check # exit 1 when a generated file is stale or extra
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDashboards } from '../src/render-dashboards';

const GENERATED_DIR = fileURLToPath(new URL('../generated/', import.meta.url));

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const rendered = renderDashboards();
  const wanted = new Set(rendered.map((r) => r.file));
  await mkdir(GENERATED_DIR, { recursive: true });
  const existing = (await readdir(GENERATED_DIR, { recursive: true })).filter((f) => f.endsWith('.json'));
  const problems: string[] = [];

  for (const { file, json } of rendered) {
    const path = join(GENERATED_DIR, file);
    const current = await readFile(path, 'utf8').catch(() => null);
    if (current === json) continue;
    if (check) problems.push(`${file}: ${current === null ? 'missing' : 'stale'}`);
    else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, json);
      console.log(`wrote generated/${file}`);
    }
  }
  for (const file of existing.filter((f) => !wanted.has(f))) {
    if (check) problems.push(`${file}: not produced by any dashboard`);
    else {
      await rm(join(GENERATED_DIR, file));
      console.log(`removed generated/${file}`);
    }
  }

  if (problems.length > 0) {
    console.error(`generated dashboards are out of date (run: npm run generate -w dashboards):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  if (check) console.log(`generated dashboards are up to date (${rendered.length} files)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
