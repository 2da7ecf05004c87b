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
    name: config.name,
    level: config.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: { service: config.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}
