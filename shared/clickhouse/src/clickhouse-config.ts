import { z } from 'zod';
import { env, parseConfig } from '@chainwatch/runtime';

/** A ClickHouse identifier we are willing to interpolate as a database name (never a value). */
export const DATABASE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const ClickHouseConfigSchema = z.object({
  /** HTTP(S) endpoint of a ClickHouse server; unset = the embedded engine. */
  CLICKHOUSE_URL: env.url().optional(),
  CLICKHOUSE_USER: z.string().min(1).default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(DATABASE_NAME_PATTERN, 'must be a plain identifier (letters, digits, underscore)')
    .default('chainwatch'),
  CHAINWATCH_DATA_DIR: z.string().min(1).default('./data'),
  CLICKHOUSE_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export interface ClickHouseConfig {
  /** Set: talk HTTP to this server. Unset: run the embedded engine at `dataDir`. */
  readonly url: string | undefined;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Where the embedded engine keeps its data: `${CHAINWATCH_DATA_DIR}/clickhouse`. */
  readonly dataDir: string;
  readonly ttlDays: number;
}

/** Parses the ClickHouse part of the environment; throws ConfigError naming the variable. */
export function parseClickHouseConfig(source: NodeJS.ProcessEnv = process.env): ClickHouseConfig {
  const c = parseConfig(ClickHouseConfigSchema, source);
  return {
    url: c.CLICKHOUSE_URL,
    user: c.CLICKHOUSE_USER,
    password: c.CLICKHOUSE_PASSWORD,
    database: c.CLICKHOUSE_DATABASE,
    dataDir: `${c.CHAINWATCH_DATA_DIR.replace(/\/+$/, '')}/clickhouse`,
    ttlDays: c.CLICKHOUSE_TTL_DAYS,
  };
}
