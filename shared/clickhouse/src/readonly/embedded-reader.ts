/**
 * A read-only session on the embedded ClickHouse engine for the ClickHouse HTTP endpoint: its own
 * engine session (the engine keeps USE and SET per session, so the writer's session is never
 * touched), current database the Chainwatch one, limits on time, rows and memory, then
 * readonly = 1, which also forbids changing any setting afterwards. Queries run one at a time,
 * off the event loop, with a bounded wait.
 */
import { createRequire } from 'node:module';
import type * as Chdb from 'chdb';
import { DATABASE_NAME_PATTERN } from '../clickhouse-config';
import { ClickHouseException, chError } from './clickhouse-exception';

export interface ReadOnlyLimits {
  readonly maxExecutionTimeS?: number;
  readonly maxResultRows?: number;
  readonly maxMemoryBytes?: number;
  /** Queries waiting for the session at most; more are refused (TOO_MANY_SIMULTANEOUS_QUERIES). */
  readonly maxQueued?: number;
}

export interface ReadOnlySql {
  readonly database: string;
  /** The engine's resolved query tree (EXPLAIN QUERY TREE), for checking what a query reads. */
  explainTree(sql: string, params: Readonly<Record<string, string | null>>): Promise<string>;
  /** Runs a checked query; the result in `format`. */
  query(sql: string, params: Readonly<Record<string, string | null>>, format: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function openEmbeddedReadOnlySql(engineDir: string, database: string, limits: ReadOnlyLimits = {}): ReadOnlySql {
  if (!DATABASE_NAME_PATTERN.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  // Loaded on first use: importing this package must not map the engine's library (~140 MiB).
  const { Session } = createRequire(import.meta.url)('chdb') as typeof Chdb;
  const session = new Session(engineDir);
  session.query(`USE \`${database}\``);
  session.query(`SET max_execution_time = ${limits.maxExecutionTimeS ?? 15}`);
  session.query(`SET max_result_rows = ${limits.maxResultRows ?? 200_000}, result_overflow_mode = 'throw'`);
  session.query(`SET max_memory_usage = ${limits.maxMemoryBytes ?? 512 * 1024 * 1024}`);
  session.query('SET readonly = 1');

  const maxQueued = limits.maxQueued ?? 16;
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  let closed = false;
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) throw new ClickHouseException(1002, 'UNKNOWN_EXCEPTION', 'Endpoint is shutting down');
    if (queued >= maxQueued) throw chError('TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries (at most ${maxQueued} wait)`);
    queued++;
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    try {
      return await next;
    } catch (err) {
      throw ClickHouseException.from(err);
    } finally {
      queued--;
    }
  };
  const run = (sql: string, params: Readonly<Record<string, string | null>>, format: string) =>
    Object.keys(params).length > 0 ? session.queryBindAsync(sql, params, { format }) : session.queryAsync(sql, { format });

  return {
    database,
    explainTree: (sql, params) => exclusive(async () => (await run(`EXPLAIN QUERY TREE ${sql}`, params, 'TSVRaw')).text()),
    query: (sql, params, format) => exclusive(async () => (await run(sql, params, format)).bytes()),
    close: async () => {
      closed = true;
      await tail;
      session.close();
    },
  };
}
