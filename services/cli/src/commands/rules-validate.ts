/**
 * `chainwatch rules validate [PATH...] [--json]`: load rule files (files or directories, in
 * order; default the shipped rules) exactly as the engine would, and report every problem with
 * its file, line and rule id. Exit code 0 when valid, 1 on errors, 2 on usage errors.
 */
import { errorLine } from '../error-line';
import { parseCliArgs } from './cli-args';
import { formatIssue, loadRuleSet, RuleSetError, SHIPPED_RULES_DIR, type RuleIssue } from '@chainwatch/core';

export const RULES_VALIDATE_USAGE = 'usage: chainwatch rules validate [PATH...] [--json]';

export interface RulesValidation {
  readonly ok: boolean;
  /** Rules in the set (enabled or not); 0 when it does not load. */
  readonly rules: number;
  /** Content hash of the effective policy, when it loads. */
  readonly version?: string;
  readonly errors: readonly RuleIssue[];
}

export function validateRules(paths: readonly string[] = [SHIPPED_RULES_DIR]): RulesValidation {
  try {
    const set = loadRuleSet(paths.length === 0 ? [SHIPPED_RULES_DIR] : paths);
    return { ok: true, rules: set.rules.length, version: set.version, errors: [] };
  } catch (err) {
    if (err instanceof RuleSetError) return { ok: false, rules: 0, errors: err.issues };
    throw err;
  }
}

export interface ValidateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STDIO: ValidateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** CLI entry: returns the exit code (and sets process.exitCode). */
export async function runRulesValidate(argv: readonly string[], io: ValidateIo = STDIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs([...argv], 'rules');
  } catch (err) {
    io.err(errorLine(err).line);
    return (process.exitCode = 2);
  }
  const paths = parsed.positionals.length > 0 ? parsed.positionals : [SHIPPED_RULES_DIR];
  const result = validateRules(paths);
  if (parsed.values.json === true) {
    io.out(JSON.stringify(result));
  } else if (result.ok) {
    io.out(`ok: ${result.rules} rules, policy ${result.version ?? '?'} (${paths.join(', ')})`);
  } else {
    for (const issue of result.errors) io.err(formatIssue(issue));
    io.err(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`);
  }
  return (process.exitCode = result.ok ? 0 : 1);
}
