/**
 * The CLI's error boundary: whatever a command throws becomes one line, `chainwatch: <message>
 * [<code>]`, with a code of the catalogue (shared/runtime/src/errors.ts, docs/errors.md) and an
 * exit code. The detection core's own errors (it depends on nothing of the program around it)
 * are mapped to their codes here.
 */
import { CatalogError, ScoringPolicyError, RuleSetError, formatIssue } from '@chainwatch/core';
import { ChainwatchError, type ErrorCode } from '@chainwatch/runtime';

export interface ErrorLine {
  readonly code: ErrorCode;
  /** What the CLI prints on stderr: one line. */
  readonly line: string;
  readonly exitCode: number;
}

/** The catalogue error `error` stands for: itself, or the code it is reported under. */
function asChainwatchError(error: unknown): ChainwatchError {
  if (error instanceof ChainwatchError) return error;
  if (error instanceof RuleSetError) {
    const [first] = error.issues;
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more: chainwatch rules validate FILE lists them)` : '';
    return new ChainwatchError('CW_POLICY_INVALID', `${first ? formatIssue(first) : 'invalid rule set'}${more}`, { cause: error });
  }
  if (error instanceof CatalogError || error instanceof ScoringPolicyError) return new ChainwatchError('CW_POLICY_INVALID', error.message, { cause: error });
  const system = error as NodeJS.ErrnoException | null;
  if (system?.code === 'ENOENT' && typeof system.path === 'string') {
    return new ChainwatchError('CW_FILE_NOT_FOUND', `${system.path} does not exist`, { cause: error });
  }
  return new ChainwatchError('CW_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Collapses a message to one line (a multi-line cause must not break the one-line contract). */
function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, '; ').trim();
  return line.length > 600 ? `${line.slice(0, 597)}...` : line;
}

export function errorLine(error: unknown): ErrorLine {
  const e = asChainwatchError(error);
  const code = e.code;
  return { code, line: `chainwatch: ${oneLine(e.message)} [${code}]`, exitCode: code === 'CW_USAGE' ? 2 : 1 };
}
