import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMMAND_SPECS, type CommandName } from '../command-spec';
import { closestMatch } from '../did-you-mean';
import { UsageError } from '../usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs over a command's options from COMMAND_SPECS, with parse errors turned into
 * a one-line UsageError that suggests the closest option and points at `--help`.
 */
export function parseCliArgs<C extends CommandName>(argv: string[], command: C): ReturnType<typeof parseWith<(typeof COMMAND_SPECS)[C]['options']>>;
/** Options given inline (commands without a spec); `usage` names the command (`usage: chainwatch NAME ...`). */
export function parseCliArgs<T extends Options>(argv: string[], options: T, usage: string): ReturnType<typeof parseWith<T>>;
export function parseCliArgs(argv: string[], commandOrOptions: CommandName | Options, usage?: string) {
  if (typeof commandOrOptions === 'string') return parseWith(argv, COMMAND_SPECS[commandOrOptions].options, commandOrOptions);
  return parseWith(argv, commandOrOptions, /^usage: chainwatch (\S+)/.exec(usage ?? '')?.[1] ?? 'COMMAND');
}

function parseWith<T extends Options>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw parseError(error, Object.keys(options), command);
  }
}

/** A parseArgs error as one line with its fix. */
function parseError(error: unknown, known: readonly string[], command: string): UsageError {
  const help = `chainwatch ${command} --help`;
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  const flag = /'(-[^' ]*)/.exec(message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) {
    const name = flag.replace(/^-+/, '').split('=')[0] ?? '';
    const suggestion = closestMatch(name, known);
    return new UsageError(`unknown option ${flag} for '${command}'${suggestion ? `; did you mean --${suggestion}?` : ''} (${help} lists the options)`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag !== undefined) {
    return new UsageError(
      /argument missing/.test(message) ? `${flag} needs a value, as in ${flag} VALUE (${help})` : `${flag} takes no value (${help})`,
    );
  }
  return new UsageError(`${message.split('\n')[0] ?? message} (${help})`);
}

/** A non-negative integer option, or a UsageError naming it. */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}
