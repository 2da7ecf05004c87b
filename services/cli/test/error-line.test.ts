import { describe, expect, it } from 'vitest';
import { CatalogError, ScoringPolicyError, RuleSetError } from '@chainwatch/core';
import { ChainwatchError, ConfigError, ERRORS, type ErrorCode } from '@chainwatch/runtime';
import { errorLine } from '../src/error-line';
import { UsageError } from '../src/usage-error';

describe('the CLI error boundary', () => {
  it.each(Object.keys(ERRORS) as ErrorCode[])('%s prints one line with its code and exits non-zero', (code) => {
    const line = errorLine(new ChainwatchError(code, 'some detail'));
    expect(line.code).toBe(code);
    expect(line.line).toBe(`chainwatch: ${ERRORS[code].message}: some detail [${code}]`);
    expect(line.line).not.toContain('\n');
    expect(line.exitCode).toBe(code === 'CW_USAGE' ? 2 : 1);
  });

  it('usage and configuration errors keep their own wording', () => {
    expect(errorLine(new UsageError("unknown option --prot for 'start'"))).toEqual({
      code: 'CW_USAGE',
      line: "chainwatch: unknown option --prot for 'start' [CW_USAGE]",
      exitCode: 2,
    });
    expect(errorLine(new ConfigError(['PORT: too big', 'HOST: empty'])).line).toBe('chainwatch: invalid configuration: PORT: too big; HOST: empty [CW_CONFIG_INVALID]');
  });

  it("maps the core's errors to CW_POLICY_INVALID, a rule set's first problem cited with the count of the others", () => {
    const rules = new RuleSetError([
      { file: 'rules/bad.yaml', line: 3, item: 'rule x', message: 'condition does not compile' },
      { file: 'rules/bad.yaml', line: 9, item: 'rule y', message: 'unknown macro z' },
    ]);
    expect(errorLine(rules).line).toBe(
      'chainwatch: policy (rules or catalog) failed validation: rules/bad.yaml:3: rule x: condition does not compile (and 1 more: chainwatch rules validate FILE lists them) [CW_POLICY_INVALID]',
    );
    expect(errorLine(new CatalogError('catalog.yaml: invalid YAML: bad indentation')).code).toBe('CW_POLICY_INVALID');
    expect(errorLine(new ScoringPolicyError('policy.yaml: weights must sum to 1')).code).toBe('CW_POLICY_INVALID');
  });

  it('a missing file is CW_FILE_NOT_FOUND; anything else is CW_INTERNAL, still one line', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x/sessions.ndjson'"), { code: 'ENOENT', path: 'x/sessions.ndjson' });
    expect(errorLine(enoent).line).toBe('chainwatch: no such file: x/sessions.ndjson does not exist [CW_FILE_NOT_FOUND]');
    const odd = errorLine(new TypeError('cannot read properties of undefined\n    at somewhere'));
    expect(odd).toEqual({ code: 'CW_INTERNAL', line: 'chainwatch: internal error: cannot read properties of undefined; at somewhere [CW_INTERNAL]', exitCode: 1 });
    expect(errorLine('a string').line).toBe('chainwatch: internal error: a string [CW_INTERNAL]');
  });
});
