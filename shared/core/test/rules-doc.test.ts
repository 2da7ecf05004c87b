import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTOR_RULES } from '../src/registry/detector-rules';
import { SHIPPED_RULES_DIR, loadRuleSet } from '../src/rules/index';
import { RULES_DOC, renderedDoc } from '../scripts/rules-doc';

describe('docs/rules.md', () => {
  const doc = readFileSync(RULES_DOC, 'utf8');

  it('is up to date with the rule-id registry (npx tsx shared/core/scripts/rules-doc.ts)', () => {
    expect(doc).toBe(renderedDoc(doc));
  });

  it('lists every id a detector raises and every shipped YAML rule, each once', () => {
    const ids = [...DETECTOR_RULES.map((r) => r.id), ...loadRuleSet([SHIPPED_RULES_DIR]).rules.map((r) => r.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(doc).toContain(`| \`${id}\` |`);
  });
});
