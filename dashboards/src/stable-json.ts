/**
 * JSON with object keys sorted at every level (the `first` keys of the top level first, in that
 * order), two-space indent and a trailing newline, so a generated file only changes when a
 * dashboard does (and diffs stay reviewable). Functions and undefined values are left out.
 */
export function stableJson(value: unknown, first: readonly string[] = []): string {
  return `${JSON.stringify(sortKeys(value, first), null, 2)}\n`;
}

function sortKeys(value: unknown, first: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value).sort();
    for (const key of [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k))]) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== 'function') out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
