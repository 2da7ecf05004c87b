import { z } from 'zod';
import { ChainwatchError } from './errors';
import { BrokerListText, DEFAULT_BROKERS } from './settings/brokers';
import { durationSetting } from './settings/duration';
import { TopicName } from './settings/topic-name';

/** Bad configuration (CW_CONFIG_INVALID): names every offending variable and what is wrong with it. */
export class ConfigError extends ChainwatchError {
  constructor(readonly issues: readonly string[]) {
    super('CW_CONFIG_INVALID', issues.join('; '));
    this.name = 'ConfigError';
  }
}

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Throws ConfigError naming each bad variable; never returns a half-valid config.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(config)';
    const given = typeof input[name] === 'string' ? ` (got ${JSON.stringify(input[name].slice(0, 80))})` : '';
    return `${name}: ${issue.message}${given}`;
  });
  throw new ConfigError(issues);
}

/**
 * Reusable env-var field types (strings in, typed values out): one parser per kind of setting, so
 * every service reads KAFKA_BROKERS, a topic name or a duration the same way.
 */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  int: (def: number, min = 0) => z.coerce.number().int().min(min).default(def),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(def),
  list: () =>
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)),
  url: () => z.url({ message: 'must be a URL like http://host:8123' }),
  /** Comma-separated `host:port` / `[ipv6]:port` bootstrap brokers; default the local broker, `null`: required. */
  brokers: (def: readonly string[] | null = DEFAULT_BROKERS) => (def === null ? BrokerListText : BrokerListText.default([...def])),
  /** A Kafka topic name. */
  topic: (def: string) => TopicName.default(def),
  /**
   * A duration in `unit` (ms or s): a bare number in that unit, or `90s`, `15m`, `12h`, `30d`;
   * between `min` and `max` (in `unit`).
   */
  duration: (def: number, options: { unit?: 'ms' | 's'; min?: number; max?: number } = {}) =>
    durationSetting({ unit: options.unit ?? 'ms', min: options.min ?? 0, ...(options.max !== undefined ? { max: options.max } : {}) }).default(def),
  logLevel: (fallback: 'warn' | 'info' = 'info') => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(fallback),
};
