import {
  ClickHouseLog,
  ensureWritableDir,
  openClickHouse,
  runMigrations,
  tuneEmbeddedTables,
  type ClickHouseHandle,
} from '@chainwatch/clickhouse';
import { childLogger, type Logger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { resolve } from 'node:path';
import { InstanceFile } from '../instance/instance-file';
import { assertCanListen } from '../instance/port-check';
import type { AllInOneConfig } from './all-in-one-config';

/** The storage of `chainwatch start`: the data directory's claim, the ClickHouse engine (traces) and the durable local log in it. */
export interface LocalStore {
  readonly instance: InstanceFile;
  /** Traces, investigation queries, the writer's inserts. */
  readonly ch: ClickHouseHandle;
  /** The durable local log standing in for Kafka. */
  readonly log: ClickHouseLog;
  close(): Promise<void>;
}

/**
 * Opens the storage, cheap checks first: the data directory is writable and not used by another
 * instance, and the port is free (each fails with one line and its fix), all before the store is
 * opened and migrated, so that a bad data directory fails before anything listens. The log gets
 * a connection of its own (same engine, same data directory): acknowledging a batch never queues
 * behind the writer's inserts or an investigation query.
 */
export async function openLocalStore(config: AllInOneConfig, logger: Logger): Promise<LocalStore> {
  const { clickhouse } = config;
  ensureWritableDir(config.dataDir);
  const instance = InstanceFile.claim(config.dataDir, clickhouse.url ? null : resolve(clickhouse.dataDir));
  await assertCanListen(config.env.CHAINWATCH_HOST, config.env.CHAINWATCH_PORT);
  const ch = await openClickHouse(clickhouse, logger);
  let logCh: ClickHouseHandle;
  try {
    await runMigrations({ client: ch.client, database: ch.database, ttlDays: clickhouse.ttlDays, logger });
    if (ch.mode === 'embedded') await tuneEmbeddedTables(ch.client, ch.database);
    logCh = await openClickHouse(clickhouse);
  } catch (err) {
    await ch.close();
    throw err;
  }
  const log = await ClickHouseLog.open({
    client: logCh.client,
    database: ch.database,
    keyed: {
      [TOPICS.sessionState]: { stream: false, expiring: false },
      [TOPICS.approvals]: { stream: true, expiring: true },
    },
    logger: childLogger(logger, 'local-log'),
  });
  return {
    instance,
    ch,
    log,
    close: async () => {
      await log.close();
      await logCh.close();
      await ch.close();
      instance.release();
    },
  };
}
