import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMAS, renderJsonSchema } from '../src/json-schemas';

const jsonDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json');

describe('generated JSON Schema files', () => {
  it.each(Object.keys(JSON_SCHEMAS))('%s is up to date (npm run generate -w @chainwatch/schemas)', (file) => {
    const onDisk = readFileSync(join(jsonDir, file), 'utf8');
    expect(onDisk).toBe(renderJsonSchema(file, JSON_SCHEMAS[file]!));
  });
});
