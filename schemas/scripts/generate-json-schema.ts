/** Writes schemas/json/*.schema.json from the zod schemas. `--check` fails when the files are stale. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMAS, renderJsonSchema } from '../src/json-schemas';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json');
const check = process.argv.includes('--check');
mkdirSync(outDir, { recursive: true });
let stale = 0;
for (const [file, schema] of Object.entries(JSON_SCHEMAS)) {
  const path = join(outDir, file);
  const text = renderJsonSchema(file, schema);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    console.error(`stale: ${path}`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
if (stale > 0) {
  console.error(`${stale} JSON Schema file(s) are stale: run npm run generate -w @chainwatch/schemas`);
  process.exit(1);
}
