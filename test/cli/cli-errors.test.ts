import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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

  it('an unknown command is one line with a suggestion, exit 2', async () => {
    const r = await runCli(['simulte']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["chainwatch: unknown command 'simulte'; did you mean 'simulate'? (chainwatch --help lists the commands) [CW_USAGE]"]);
    const far = await runCli(['frobnicate']);
    expect(lines(far.stderr)).toEqual(["chainwatch: unknown command 'frobnicate' (chainwatch --help lists the commands) [CW_USAGE]"]);
  });

  it('an unknown option is one line with a suggestion, exit 2', async () => {
    const r = await runCli(['start', '--prot', '8081']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["chainwatch: unknown option --prot for 'start'; did you mean --port? (chainwatch start --help lists the options) [CW_USAGE]"]);
    const missing = await runCli(['replay', 'x.ndjson', '--url']);
    expect(lines(missing.stderr)).toEqual(['chainwatch: --url needs a value, as in --url VALUE (chainwatch replay --help) [CW_USAGE]']);
  });

  it('every command answers --help with its usage and options, exit 0', async () => {
    const list = await runCli(['--help']);
    const commands = [...list.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['start', 'simulate', 'replay', 'migrate', 'eval', 'rules']));
    for (const command of commands) {
      const r = await runCli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^usage: chainwatch ${command}`));
      expect(r.stderr, command).toBe('');
    }
    const simulate = await runCli(['simulate', '-h']);
    expect(simulate.stdout).toMatch(/--count N +stop after N events/);
    expect(simulate.stdout).toMatch(/CHAINWATCH_URL/);
    expect((await runCli(['help', 'replay'])).stdout).toMatch(/^usage: chainwatch replay FILE/);
  });

  it('a port in use is one line naming a free port, before the store is opened or migrated', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-port-'));
    try {
      const r = await runCli(['start', '--port', String(port)], { CHAINWATCH_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([
        expect.stringMatching(new RegExp(`^chainwatch: port in use: 127\\.0\\.0\\.1:${port} is already taken .*start with --port \\d+ or set CHAINWATCH_PORT`)),
      ]);
      expect(r.stdout).not.toMatch(/listening|migration/);
      // The embedded engine was never opened, so no migration ran.
      expect(existsSync(join(dataDir, 'clickhouse'))).toBe(false);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('a missing file is one line naming it and what to give instead', async () => {
    const replay = await runCli(['replay', 'no-such-events.ndjson']);
    expect(replay.code).toBe(1);
    expect(lines(replay.stderr)).toEqual([
      expect.stringMatching(/^chainwatch: no such file: no-such-events\.ndjson does not exist \(looked at \/.*\/no-such-events\.ndjson\); give the path of an NDJSON file/),
    ]);
    const dir = await runCli(['replay', tmpdir()]);
    expect(lines(dir.stderr)).toEqual([expect.stringMatching(/^chainwatch: no such file: .* is a directory, not an NDJSON file/)]);
    const baseline = await runCli(['baseline', 'build', 'nope.ndjson']);
    expect(baseline.code).toBe(1);
    expect(lines(baseline.stderr)).toEqual([expect.stringMatching(/^chainwatch: no such file: nope\.ndjson does not exist .*; give an NDJSON file of AgentActionEvents/)]);
    const evalRun = await runCli(['eval', '--events', 'nope.ndjson', '--labels', 'labels.ndjson']);
    expect(evalRun.code).toBe(1);
    expect(lines(evalRun.stderr)).toEqual([expect.stringMatching(/^chainwatch: no such file: nope\.ndjson does not exist .*chainwatch corpus --out DIR/)]);
  });

  it('a client with no server to talk to says where it looked and how to start one', async () => {
    const r = await runCli(['simulate', '--count', '10'], { CHAINWATCH_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      'chainwatch: cannot reach Chainwatch: nothing answers at http://127.0.0.1:1 (CHAINWATCH_URL): start it with `npm start`, or pass --url / set CHAINWATCH_URL [CW_SERVER_UNREACHABLE]',
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'cw-replay-')), 'events.ndjson');
    writeFileSync(file, '{}\n');
    const replay = await runCli(['replay', file, '--url', 'http://127.0.0.1:1']);
    expect(replay.code).toBe(1);
    expect(lines(replay.stderr)).toEqual([expect.stringMatching(/^chainwatch: cannot reach Chainwatch: nothing answers at http:\/\/127\.0\.0\.1:1 \(--url\)/)]);
  });
});
