import { constants, accessSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve, join, sep } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { ChainwatchError, type Logger } from '@chainwatch/runtime';
import type { ClickHouseConfig } from './clickhouse-config';
import { clientLoggerClass } from './client-log';

export interface ClickHouseHandle {
  readonly client: ClickHouseClient;
  /** Database every Chainwatch table lives in (validated identifier). */
  readonly database: string;
  readonly mode: 'server' | 'embedded';
  /** Server URL without credentials, or the embedded engine's absolute data directory. */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * Opens ClickHouse: HTTP to a server when `config.url` is set, otherwise the embedded engine
 * (chdb) with its data under `config.dataDir`. Pings before returning.
 *
 * Embedded mode note: the engine keeps `SET` settings for the whole session, and
 * `@clickhouse/client` over chdb applies `clickhouse_settings` as `SET`. A deduplication token
 * set by one insert would then silently deduplicate the next, unrelated insert; the embedded
 * client therefore resets `insert_deduplication_token` to '' (the server's per-request default)
 * on every insert that does not pass one.
 */
export async function openClickHouse(config: ClickHouseConfig, logger?: Logger): Promise<ClickHouseHandle> {
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.user,
      password: config.password,
      request_timeout: 30_000,
      log: { LoggerClass: clientLoggerClass(logger) },
    });
    const location = redactUrl(config.url);
    await ping(client, location);
    logger?.info({ mode: 'server', location, database: config.database }, 'clickhouse connected');
    return { client, database: config.database, mode: 'server', location, close: () => client.close() };
  }

  const dataDir = resolve(config.dataDir);
  ensureWritableDir(dataDir);
  let client: ClickHouseClient;
  try {
    // chdb types its connection against @clickhouse/client-common, which @clickhouse/client now
    // bundles under its own path: the shapes match, the declarations are distinct.
    // Loaded only here: a process that opens no embedded store never maps the engine's library (~140 MiB).
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: dataDir }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
    client = withSessionSafeInserts(createClient({ connection, log: { LoggerClass: clientLoggerClass(logger) } }));
  } catch (err) {
    throw new ChainwatchError('CW_CLICKHOUSE_UNAVAILABLE', `embedded engine at ${dataDir}: ${oneLine(err)}`, { cause: err });
  }
  await ping(client, dataDir);
  logger?.info({ mode: 'embedded', location: dataDir, database: config.database }, 'clickhouse engine opened');
  return { client, database: config.database, mode: 'embedded', location: dataDir, close: () => client.close() };
}

/** Embedded client whose inserts never inherit a previous insert's deduplication token. */
function withSessionSafeInserts(client: ClickHouseClient): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'insert') {
        const insert: ClickHouseClient['insert'] = (params) =>
          target.insert({
            ...params,
            clickhouse_settings: { insert_deduplication_token: '', ...params.clickhouse_settings },
          });
        return insert;
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Creates `dir` and proves we can write into it, before the engine ever sees it. */
export function ensureWritableDir(dir: string): void {
  try {
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    throw new ChainwatchError('CW_DATA_DIR_UNWRITABLE', `${dir}: ${oneLine(err)}`, { cause: err });
  }
}

/**
 * mkdir -p one component at a time: Node's recursive mkdirSync spins forever on some paths
 * (e.g. under /proc, where mkdir answers ENOENT), and a clear error beats a hung start.
 */
function makeDirs(dir: string): void {
  const parts = resolve(dir).split(sep).filter((p) => p.length > 0);
  let current: string = sep;
  for (const part of parts) {
    current = join(current, part);
    try {
      mkdirSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

async function ping(client: ClickHouseClient, location: string): Promise<void> {
  let result: Awaited<ReturnType<ClickHouseClient['ping']>>;
  try {
    result = await client.ping();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new ChainwatchError('CW_CLICKHOUSE_UNAVAILABLE', `${location}: ${oneLine(err)}`, { cause: err });
  }
  if (!result.success) {
    await client.close().catch(() => undefined);
    throw new ChainwatchError('CW_CLICKHOUSE_UNAVAILABLE', `${location}: ${oneLine(result.error)}`, { cause: result.error });
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}

/** First line of an error message, without the server's echo of our SQL or data. */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
