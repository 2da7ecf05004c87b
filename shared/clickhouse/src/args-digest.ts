import { createHash } from 'node:crypto';

/** `sha256:<hex>` of the arguments as canonical JSON (object keys sorted), stable across producers. */
export function argsDigest(args: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(args)).digest('hex')}`;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
