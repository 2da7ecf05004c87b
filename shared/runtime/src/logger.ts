import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths never written to logs: tokens, credentials and raw tool arguments. pino's redaction is
 * applied at serialisation, so a caller that logs a whole event or request cannot leak them.
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.authorization',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'action.args',
  '*.action.args',
  'event.action.args',
  'request.action.args',
  'args',
  '*.args',
  'credential.token_id',
  '*.credential.token_id',
];

export interface LoggerConfig {
  readonly level?: string;
  readonly name: string;
  /** Destination stream (tests); defaults to stdout. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // The service is named once, as `service` (not also pino's `name`, which a record's own
    // `name` field, e.g. a migration's, would then repeat).
    base: { service: config.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}

/** Binding keys for nested parts, outermost first: `component`, then `part`, `part2`, ... */
const PART_KEYS = ['component', 'part'];

/**
 * A child logger naming a part of the program. pino writes every binding of every ancestor, so a
 * child binding a key its parent already binds prints that key twice in one JSON line. This
 * binds the first free key instead: `component` for a service's parts, `part` for a part of a
 * part (the decision API's HTTP layer inside `chainwatch start`, a Kafka client inside a
 * service), and so on.
 */
export function childLogger(parent: Logger, name: string): Logger {
  const bound = parent.bindings();
  for (let i = 0; ; i++) {
    const key = PART_KEYS[i] ?? `part${i}`;
    if (!(key in bound)) return parent.child({ [key]: name });
  }
}
