import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

/** The one line a user sees: stderr without blank lines. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim().length > 0);

describe('chainwatch CLI errors are one clear line', () => {
  it('bad config names the variable and the problem, exit 1', async () => {
    const r = await runCli(['start'], { CHAINWATCH_PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^chainwatch: invalid configuration: CHAINWATCH_PORT: .*"eighty"/)]);
  });

  it('a bad ClickHouse URL names CLICKHOUSE_URL', async () => {
    const r = await runCli(['migrate'], { CLICKHOUSE_URL: 'not-a-url' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^chainwatch: invalid configuration: CLICKHOUSE_URL: must be a URL/)]);
  });

  it('a missing broker says where it looked and how to start one', async () => {
    const r = await runCli(['processor'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^chainwatch: Kafka broker unreachable: .*127\.0\.0\.1:1.*npm run kafka:start/)]);
  });

  it('an unwritable data directory names the path, before anything listens', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cw-cli-')), 'not-a-dir');
    writeFileSync(file, '');
    const r = await runCli(['start', '--port', '0'], { CHAINWATCH_DATA_DIR: join(file, 'data') });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^chainwatch: data directory is not writable: .*not-a-dir\/data/)]);
    expect(r.stdout).not.toMatch(/listening/);
  });

  it('an unknown command prints usage and exits 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(r.stderr).toMatch(/usage: chainwatch <command>/);
  });
});
