import type { Logger as ClientLogger, ErrorLogParams, LogParams, WarnLogParams } from '@clickhouse/client';
import { childLogger, type Logger } from '@chainwatch/runtime';

/**
 * Routes @clickhouse/client's own log lines into pino (and so through its redaction) instead of
 * the console. Only the first line of an error message is kept: server errors can echo rows.
 * Without a pino logger the client's logs are dropped (errors still surface as exceptions).
 */
export function clientLoggerClass(logger: Logger | undefined): new () => ClientLogger {
  const log = logger ? childLogger(logger, 'clickhouse-client') : undefined;
  const fields = (p: LogParams & { err?: Error }): Record<string, unknown> => ({
    module: p.module,
    ...(p.err ? { err: (p.err.message.split('\n')[0] ?? '').slice(0, 300) } : {}),
  });
  return class PinoClickHouseLogger implements ClientLogger {
    trace(p: LogParams): void {
      log?.trace(fields(p), p.message);
    }
    debug(p: LogParams): void {
      log?.debug(fields(p), p.message);
    }
    info(p: LogParams): void {
      log?.info(fields(p), p.message);
    }
    warn(p: WarnLogParams): void {
      log?.warn(fields(p), p.message);
    }
    error(p: ErrorLogParams): void {
      log?.error(fields(p), p.message);
    }
  };
}
