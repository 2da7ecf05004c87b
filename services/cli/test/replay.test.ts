import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay, type ReplayProgress } from '../src/commands/replay';
import { makeEvent } from '@chainwatch/testing';

// The replay client against a stand-in for POST /v1/events (its own collaborator): answers like
// the real route, {accepted, rejected: [{line (1-based, in the batch), error}]}.
describe('chainwatch replay', () => {
  let server: Server;
  let url = '';
  const bodies: string[] = [];
  const auth: (string | undefined)[] = [];
  let throttleOnce = true;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (throttleOnce) {
          throttleOnce = false;
          res.writeHead(429, { 'retry-after': '0' }).end('{"error":{"message":"slow down"}}');
          return;
        }
        bodies.push(body);
        auth.push(req.headers.authorization);
        expect(req.headers['content-type']).toBe('application/x-ndjson');
        const lines = body.split('\n');
        const rejected: { line: number; error: string }[] = [];
        let accepted = 0;
        lines.forEach((l, i) => {
          if (!l.trim()) return;
          if (l.includes('"bad"')) rejected.push({ line: i + 1, error: 'schema_version: invalid' });
          else accepted++;
        });
        res.writeHead(accepted > 0 ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted, rejected }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends the file in batches and reports rejections by file line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-replay-'));
    const file = join(dir, 'events.ndjson');
    const lines: string[] = [];
    for (let i = 1; i <= 25; i++) {
      if (i === 7 || i === 19) lines.push('{"bad":true}');
      else if (i === 10) lines.push('');
      else lines.push(JSON.stringify(makeEvent()));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const progress: ReplayProgress[] = [];
    const summary = await runReplay({ file, url, token: 'tok-123', batchLines: 5, onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ lines: 24, accepted: 22, rejected: 2 });
    expect(summary.rejections).toEqual([
      { line: 7, error: 'schema_version: invalid' },
      { line: 19, error: 'schema_version: invalid' },
    ]);
    expect(bodies).toHaveLength(5);
    expect(bodies.every((b) => b.split('\n').filter(Boolean).length <= 5)).toBe(true);
    expect(auth.every((a) => a === 'Bearer tok-123')).toBe(true);
    // At most one progress line per second, plus the final one.
    expect(progress.length).toBeLessThanOrEqual(2);
    expect(progress[progress.length - 1]).toMatchObject({ lines: 24, accepted: 22, rejected: 2 });
  });

  it('fails with one line when the server refuses the token', async () => {
    const refusing = createServer((_req, res) => res.writeHead(401).end('{"error":{"code":"CW_UNAUTHENTICATED","message":"missing or invalid bearer token"}}'));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'cw-replay-'));
    const file = join(dir, 'e.ndjson');
    writeFileSync(file, `${JSON.stringify(makeEvent())}\n`);
    try {
      await expect(runReplay({ file, url: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, token: 'secret-tok' })).rejects.toThrow(
        /answered 401: missing or invalid bearer token$/,
      );
    } finally {
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });
});
