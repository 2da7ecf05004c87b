import { describe, expect, it } from 'vitest';
import { parseClickHouseConfig } from '@chainwatch/clickhouse';
import { ConfigError } from '@chainwatch/runtime';
import { loadTraceWriterConfig } from '@chainwatch/trace-writer';

describe('ClickHouse and trace-writer config', () => {
  it('defaults to the embedded engine under ./data/clickhouse, database chainwatch, 30 days', () => {
    expect(parseClickHouseConfig({})).toEqual({
      url: undefined,
      user: 'default',
      password: '',
      database: 'chainwatch',
      dataDir: './data/clickhouse',
      ttlDays: 30,
    });
    expect(parseClickHouseConfig({ CHAINWATCH_DATA_DIR: '/var/lib/cw/', CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_TTL_DAYS: '90' })).toMatchObject({
      url: 'http://ch:8123',
      dataDir: '/var/lib/cw/clickhouse',
      ttlDays: 90,
    });
  });

  it.each([
    [{ CLICKHOUSE_DATABASE: 'cw; DROP TABLE x' }, /CLICKHOUSE_DATABASE: must be a plain identifier/],
    [{ CLICKHOUSE_URL: 'not a url' }, /CLICKHOUSE_URL: must be a URL/],
    [{ CLICKHOUSE_TTL_DAYS: '0' }, /CLICKHOUSE_TTL_DAYS/],
  ])('bad ClickHouse config names the variable: %j', (env, message) => {
    expect(() => parseClickHouseConfig(env)).toThrow(ConfigError);
    expect(() => parseClickHouseConfig(env)).toThrow(message);
  });

  it('trace writer: brokers required and checked, batch bounds enforced', () => {
    expect(() => loadTraceWriterConfig({})).toThrow(/KAFKA_BROKERS: required/);
    expect(() => loadTraceWriterConfig({ KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS.0: must be host:port/);
    expect(() => loadTraceWriterConfig({ KAFKA_BROKERS: 'a:1', TRACE_WRITER_BATCH_MAX_ROWS: '0' })).toThrow(/TRACE_WRITER_BATCH_MAX_ROWS/);
    expect(loadTraceWriterConfig({ KAFKA_BROKERS: 'a:1, b:2' })).toMatchObject({ brokers: ['a:1', 'b:2'], batch: { maxRows: 10_000, maxWaitMs: 1000 } });
  });
});
