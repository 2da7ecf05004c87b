import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { ChainwatchError, type Logger } from '@chainwatch/runtime';
import { DATABASE_NAME_PATTERN } from './clickhouse-config';
import { splitSqlStatements } from './sql-statements';

/** schemas/clickhouse in this repository. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../schemas/clickhouse/', import.meta.url));

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  /** sha256 of the file as written (before placeholders are filled). */
  readonly checksum: string;
  readonly sql: string;
}

export interface MigrationOptions {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly ttlDays: number;
  readonly dir?: string;
  readonly logger?: Logger;
}

export interface MigrationResult {
  readonly applied: readonly { version: number; name: string }[];
  readonly skipped: number;
}

/** An applied migration's file changed, a file is misnamed, or a statement failed (CW_MIGRATION_FAILED). */
export class MigrationError extends ChainwatchError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('CW_MIGRATION_FAILED', detail, options);
    this.name = 'MigrationError';
  }
}

export async function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  const seen = new Set<number>();
  for (const file of entries) {
    const m = FILE_PATTERN.exec(file);
    if (!m) throw new MigrationError(`migration file ${file} must be named NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new MigrationError(`two migration files share version ${m[1]}`);
    seen.add(version);
    const sql = await readFile(join(dir, file), 'utf8');
    files.push({ version, name: m[2] ?? '', checksum: createHash('sha256').update(sql).digest('hex'), sql });
  }
  return files;
}

/** Fills `{{database}}` and `{{ttl_days}}`; any other `{{...}}` is an error. */
export function renderMigration(sql: string, vars: { database: string; ttlDays: number }): string {
  return sql.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
    if (name === 'database') return vars.database;
    if (name === 'ttl_days') return String(vars.ttlDays);
    throw new MigrationError(`unknown placeholder {{${name}}}`);
  });
}

/**
 * Applies every migration not yet recorded in `{{database}}.schema_migrations`, in version order.
 * Idempotent; refuses to run when the file of an applied migration changed. Migration DDL uses
 * IF NOT EXISTS so a file interrupted half-way can be re-run.
 */
export async function runMigrations(options: MigrationOptions): Promise<MigrationResult> {
  const { client, database, ttlDays, logger } = options;
  if (!DATABASE_NAME_PATTERN.test(database)) throw new MigrationError(`invalid database name ${JSON.stringify(database)}`);
  if (!Number.isInteger(ttlDays) || ttlDays < 1) throw new MigrationError(`invalid ttl_days ${ttlDays}`);
  const files = await loadMigrations(options.dir);

  await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS \`${database}\`.schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC')
    ) ENGINE = MergeTree ORDER BY version`,
  });

  const appliedRows = await (
    await client.query({
      query: `SELECT version, any(name) AS name, any(checksum) AS checksum FROM \`${database}\`.schema_migrations GROUP BY version`,
      format: 'JSONEachRow',
    })
  ).json<{ version: number | string; name: string; checksum: string }>();
  const applied = new Map(appliedRows.map((r) => [Number(r.version), r]));

  for (const file of files) {
    const prior = applied.get(file.version);
    if (prior && prior.checksum !== file.checksum) {
      throw new MigrationError(
        `migration ${pad(file.version)}_${file.name} was changed after it was applied (checksum ${prior.checksum.slice(0, 12)} != ${file.checksum.slice(0, 12)}); add a new migration instead`,
      );
    }
  }

  const done: { version: number; name: string }[] = [];
  for (const file of files) {
    if (applied.has(file.version)) continue;
    const statements = splitSqlStatements(renderMigration(file.sql, { database, ttlDays }));
    for (const [i, statement] of statements.entries()) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
        throw new MigrationError(`migration ${pad(file.version)}_${file.name} statement ${i + 1} failed: ${reason}`, { cause: err });
      }
    }
    await client.insert({
      table: `\`${database}\`.schema_migrations`,
      values: [{ version: file.version, name: file.name, checksum: file.checksum, applied_at: Date.now() }],
      format: 'JSONEachRow',
      // A unique token: the embedded engine keeps SET settings per session (see openClickHouse).
      clickhouse_settings: { insert_deduplication_token: `schema_migrations:${file.version}:${file.checksum}` },
    });
    logger?.info({ version: file.version, name: file.name, statements: statements.length }, 'migration applied');
    done.push({ version: file.version, name: file.name });
  }
  return { applied: done, skipped: files.length - done.length };
}

function pad(v: number): string {
  return String(v).padStart(4, '0');
}
