import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRulesValidate, validateRules } from '../src/commands/rules-validate';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};

describe('chainwatch rules validate', () => {
  it('validates the shipped rules by default', async () => {
    const r = validateRules();
    expect(r.ok).toBe(true);
    expect(r.rules).toBeGreaterThanOrEqual(6);
    const c = capture();
    expect(await runRulesValidate([], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^ok: \d+ rules, policy sha256:[0-9a-f]{16}/);
  });

  it('prints each error with file, line and rule id and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-validate-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `- rule: R-BAD
  version: 1
  severity: high
  tags: [ASI02]
  description: d
  message: "{event.tool}"
  condition: event.toool == 'x'
- rule: R-BAD2
  version: 1
  severity: extreme
  tags: [ASI02]
  description: d
  message: m
  condition: "true"
`,
    );
    const c = capture();
    expect(await runRulesValidate([file], c.io)).toBe(1);
    expect(c.err).toEqual([
      `${file}:1: rule R-BAD: condition: CEL: No such key: toool`,
      `${file}:8: rule R-BAD2: severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"`,
      '2 errors',
    ]);
    const json = capture();
    expect(await runRulesValidate(['--json', file], json.io)).toBe(1);
    expect(JSON.parse(json.out[0] ?? '')).toMatchObject({ ok: false, rules: 0, errors: [{ file, line: 1, item: 'rule R-BAD' }, { file, line: 8, item: 'rule R-BAD2' }] });
  });

  it('rejects unknown options with exit 2', async () => {
    const c = capture();
    expect(await runRulesValidate(['--nope'], c.io)).toBe(2);
    process.exitCode = 0;
  });
});
