import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../usage-error';

/** node:util parseArgs with unknown options turned into a one-line UsageError. */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

/** A positive integer option, or a UsageError naming it. */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}
