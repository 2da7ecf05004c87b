/**
 * Every rule id a shipped detector or rule can put on a finding is explained in docs/rules.md, so
 * a user who sees one in the terminal, a webhook or GET /v1/findings can look it up. Detector ids
 * are read from the detectors' sources (each check names its id as a `rule: '...'` literal); rule
 * ids from the shipped rule files, loaded as the engine loads them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleSet, SHIPPED_RULES_DIR } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'rules.md'), 'utf8');
const detectorsDir = join(here, '..', 'src', 'detectors');

function detectorRuleIds(): string[] {
  const ids = new Set<string>();
  for (const file of readdirSync(detectorsDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(detectorsDir, file), 'utf8');
    for (const m of text.matchAll(/\brule:\s*(['"`])([^'"`$]+)\1/g)) ids.add(m[2]!);
    // An id built at run time could not be checked here: keep them literal.
    expect(text, `${file}: a rule id built from a template`).not.toMatch(/\brule:\s*`[^`]*\$\{/);
  }
  return [...ids].sort();
}

/** Ids that appear in a table row of docs/rules.md (first cell, with or without backticks). */
const documented = new Set([...doc.matchAll(/^\| `?([A-Za-z0-9_.-]+)`? \|/gm)].map((m) => m[1]!));

describe('rule ids in docs/rules.md', () => {
  it('lists every id the detectors can emit', () => {
    const ids = detectorRuleIds();
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.filter((id) => !documented.has(id))).toEqual([]);
  });

  it('lists every rule of the shipped rule files', () => {
    const ids = loadRuleSet([SHIPPED_RULES_DIR]).rules.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.filter((id) => !documented.has(id))).toEqual([]);
  });

  it('would notice an undocumented id', () => {
    expect(documented.has('scope_drift.tool_not_allowed')).toBe(true);
    expect(documented.has('scope_drift.no_such_check')).toBe(false);
  });
});
