/**
 * Every error the program can print has a code in the catalogue (shared/runtime/src/errors.ts),
 * a line in docs/errors.md (shared/runtime/test/errors.test.ts checks that pair) and a one-line
 * CLI message (services/cli/test/error-line.test.ts walks the catalogue through the CLI's
 * boundary). Here: the sources raise no code outside the catalogue and define no error class
 * outside it, and real commands print one line with a code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '@chainwatch/runtime';
import { REPO_ROOT, runCli } from './run-cli';

/** Error classes that are not ChainwatchErrors, and why. */
const OUTSIDE_THE_CATALOGUE: Readonly<Record<string, string>> = {
  // The detection core depends on nothing of the program around it: the CLI maps these to CW_POLICY_INVALID (error-line.ts).
  RuleSetError: 'core',
  CatalogError: 'core',
  ScoringPolicyError: 'core',
  // Raised and caught inside the core (a checkpoint it cannot read restarts the trace; a cycle becomes a rule-set issue).
  StateFormatError: 'core, caught by the session processor',
  RuleSetStateError: 'core, caught by the engine',
  MacroExpansionError: 'core, becomes a RuleSetError issue',
  Unsupported: 'core, internal to the CEL compiler',
  // The read-only ClickHouse endpoint for Grafana answers in ClickHouse's own error format and codes.
  ClickHouseException: "ClickHouse's protocol",
  LexError: "ClickHouse's protocol (becomes a ClickHouseException)",
  // The catalogue's own class.
  ChainwatchError: 'the catalogue',
};

const sources = execFileSync('git', ['ls-files', '*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /^(schemas|shared|services|dashboards)\/[^/]+(\/[^/]+)?\/src\//.test(f) || /^(schemas|dashboards)\/src\//.test(f))
  .filter((f) => !f.endsWith('.test.ts'));

describe('error catalogue, across the sources', () => {
  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it('raises no CW_ code outside the catalogue', () => {
    const unknown: string[] = [];
    for (const file of sources) {
      for (const m of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/['"`](CW_[A-Z_]+)['"`]/g)) {
        if (!(m[1]! in ERRORS)) unknown.push(`${file}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('defines no error class outside it: every other one extends ChainwatchError', () => {
    const classes: string[] = [];
    for (const file of sources) {
      for (const m of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)) {
        if (m[2] === 'ChainwatchError' || m[2] === 'ConfigError') continue;
        if (!(m[1]! in OUTSIDE_THE_CATALOGUE)) classes.push(`${file}: ${m[1]} extends ${m[2]}`);
      }
    }
    expect(classes).toEqual([]);
  });
});

describe('chainwatch prints one line with a code', () => {
  it('a bad rule file: CW_POLICY_INVALID with file, line and rule, exit 1, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, '- rule: broken_rule\n  desc: never compiles\n  condition: event.action.tool ==\n  output: x\n  priority: high\n');
    const r = await runCli(['processor'], { CHAINWATCH_RULES: file });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^chainwatch: policy \\(rules or catalog\\) failed validation: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\[CW_POLICY_INVALID\\]$`))]);
  });

  it('a dataset directory without its files: CW_FILE_NOT_FOUND naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-dataset-'));
    const r = await runCli(['eval', '--dataset', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.trim().length > 0)).toEqual([expect.stringMatching(/^chainwatch: no such file: .*sessions\.ndjson does not exist \[CW_FILE_NOT_FOUND\]$/)]);
  });
});
