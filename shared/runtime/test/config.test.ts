import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, parseConfig } from '../src/config';

const Schema = z.object({
  PORT: env.port(8080),
  SHADOW_MODE: env.bool(false),
  KAFKA_BROKERS: env.list().optional(),
  CLICKHOUSE_URL: env.url().optional(),
});

describe('parseConfig', () => {
  it('applies defaults and coerces strings', () => {
    const cfg = parseConfig(Schema, { PORT: '9000', SHADOW_MODE: 'true', KAFKA_BROKERS: 'a:9092, b:9092' });
    expect(cfg).toEqual({ PORT: 9000, SHADOW_MODE: true, KAFKA_BROKERS: ['a:9092', 'b:9092'] });
    expect(parseConfig(Schema, {})).toEqual({ PORT: 8080, SHADOW_MODE: false });
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig(Schema, { PORT: '' }).PORT).toBe(8080);
  });

  it('names every bad variable, what is wrong, and what was given', () => {
    let error: unknown;
    try {
      parseConfig(Schema, { PORT: 'eighty', SHADOW_MODE: 'maybe', CLICKHOUSE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^invalid configuration: /);
    expect(message).toContain('PORT:');
    expect(message).toContain('"eighty"');
    expect(message).toContain('SHADOW_MODE: must be true or false');
    expect(message).toContain('CLICKHOUSE_URL: must be a URL');
    expect(message).not.toContain('\n');
  });

  it('rejects a port out of range', () => {
    expect(() => parseConfig(Schema, { PORT: '70000' })).toThrow(/PORT:/);
  });
});
