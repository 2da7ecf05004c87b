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

/** Paths of object properties (and array items of objects) that carry no description. */
function undescribed(node: unknown, path: string, out: string[]): void {
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = n[key];
    if (Array.isArray(list)) list.forEach((branch) => undescribed(branch, path, out));
  }
  if (n.items !== undefined) undescribed(n.items, `${path}[]`, out);
  const props = n.properties;
  if (props !== null && typeof props === 'object') {
    for (const [name, child] of Object.entries(props as Record<string, unknown>)) {
      const c = child as Record<string, unknown>;
      if (typeof c.description !== 'string' || c.description.length < 8) out.push(`${path}.${name}`);
      undescribed(child, `${path}.${name}`, out);
    }
  }
}

describe('JSON Schema descriptions', () => {
  it.each(Object.keys(JSON_SCHEMAS))('%s describes every field', (file) => {
    const json = JSON.parse(renderJsonSchema(file, JSON_SCHEMAS[file]!)) as Record<string, unknown>;
    expect(typeof json.description).toBe('string');
    const missing: string[] = [];
    undescribed(json, '', missing);
    expect(missing).toEqual([]);
  });
});
