import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '@chainwatch/runtime';
import { InstanceFile, engineHolder, readLiveInstance } from '../src/instance/instance-file';
import { assertReachable, locateServer } from '../src/instance/server-locator';

const dir = () => mkdtempSync(join(tmpdir(), 'cw-instance-'));

/** A pid that existed and is gone: a child that exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('instance file', () => {
  it('records this process and where it listens, and removes the record on release', () => {
    const d = dir();
    const file = InstanceFile.claim(d, null);
    expect(readLiveInstance(d)).toMatchObject({ pid: process.pid });
    file.announce('http://127.0.0.1:9999');
    expect(readLiveInstance(d)?.url).toBe('http://127.0.0.1:9999');
    file.release();
    expect(existsSync(join(d, 'instance.json'))).toBe(false);
  });

  it('refuses a data directory a live process recorded, naming it and where it listens', () => {
    const d = dir();
    // The parent of this test process is alive and is not us.
    writeFileSync(join(d, 'instance.json'), JSON.stringify({ pid: process.ppid, started_at: 'x', data_dir: d, url: 'http://127.0.0.1:8080' }));
    let err: unknown;
    try {
      InstanceFile.claim(d, null);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChainwatchError);
    expect((err as ChainwatchError).code).toBe('CW_DATA_DIR_LOCKED');
    expect((err as Error).message).toMatch(new RegExp(`pid ${process.ppid}, listening on http://127\\.0\\.0\\.1:8080\\); stop it, or .*CHAINWATCH_DATA_DIR=`));
  });

  it('takes over a record left by a process that is gone', async () => {
    const d = dir();
    writeFileSync(join(d, 'instance.json'), JSON.stringify({ pid: await deadPid(), started_at: 'x', data_dir: d, url: 'http://127.0.0.1:1' }));
    expect(readLiveInstance(d)).toBeNull();
    const file = InstanceFile.claim(d, null);
    expect(JSON.parse(readFileSync(join(d, 'instance.json'), 'utf8'))).toMatchObject({ pid: process.pid });
    file.release();
  });

  it('refuses an embedded engine directory another live process holds (its status file names the pid)', async () => {
    const d = dir();
    const engine = join(d, 'clickhouse');
    mkdirSync(engine);
    writeFileSync(join(engine, 'status'), `PID: ${process.ppid}\nStarted at: 2026-12-05 08:10:49\nRevision: 54513\n`);
    expect(engineHolder(engine)).toBe(process.ppid);
    expect(() => InstanceFile.claim(d, engine)).toThrow(/data directory is in use: .*process \d+ has its embedded ClickHouse open/);
    writeFileSync(join(engine, 'status'), `PID: ${await deadPid()}\n`);
    expect(engineHolder(engine)).toBeNull();
    InstanceFile.claim(d, engine).release();
  });
});

describe('server locator', () => {
  it('prefers --url, then CHAINWATCH_URL, then a live start in the data directory, then the default', () => {
    const d = dir();
    expect(locateServer('http://a:1', { CHAINWATCH_URL: 'http://b:2', CHAINWATCH_DATA_DIR: d })).toEqual({ url: 'http://a:1', source: '--url' });
    expect(locateServer(undefined, { CHAINWATCH_URL: 'http://b:2', CHAINWATCH_DATA_DIR: d })).toEqual({ url: 'http://b:2', source: 'CHAINWATCH_URL' });
    expect(locateServer(undefined, { CHAINWATCH_DATA_DIR: d })).toEqual({ url: 'http://127.0.0.1:8080', source: 'default' });
    const file = InstanceFile.claim(d, null);
    file.announce('http://127.0.0.1:18123');
    expect(locateServer(undefined, { CHAINWATCH_DATA_DIR: d })).toEqual({ url: 'http://127.0.0.1:18123', source: `${d}/instance.json` });
    file.release();
  });

  it('says where it looked when nothing answers, and passes when /healthz does', async () => {
    await expect(assertReachable({ url: 'http://127.0.0.1:1', source: 'default' })).rejects.toThrow(
      /^cannot reach Chainwatch: nothing answers at http:\/\/127\.0\.0\.1:1 \(the default address; .*\): start it with `npm start`, or pass --url/,
    );
    const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(assertReachable({ url, source: '--url' })).resolves.toBeUndefined();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
