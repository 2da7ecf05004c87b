import { openClickHouse, parseClickHouseConfig, runMigrations } from '@chainwatch/clickhouse';
import { createLogger } from '@chainwatch/runtime';

/** `chainwatch migrate`: applies the numbered migrations in schemas/clickhouse/ (idempotent). */
export async function runMigrate(_argv: string[]): Promise<number> {
  const config = parseClickHouseConfig();
  const logger = createLogger({ name: 'migrate', level: process.env.LOG_LEVEL ?? 'warn' });
  const ch = await openClickHouse(config, logger);
  try {
    const result = await runMigrations({ client: ch.client, database: ch.database, ttlDays: config.ttlDays, logger });
    const applied = result.applied.map((m) => `${m.version} ${m.name}`).join(', ') || 'none';
    console.log(`migrate: ${ch.mode} ClickHouse at ${ch.location}, database ${ch.database}: applied ${applied}; ${result.skipped} already applied`);
    return 0;
  } finally {
    await ch.close();
  }
}
