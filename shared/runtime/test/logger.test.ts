import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childLogger, createLogger } from '../src/logger';

function capture(): { stream: Writable; lines: (() => Record<string, unknown>[]) & { raw: () => string[] } } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const raw = () => chunks.join('').trim().split('\n');
  const lines = Object.assign(() => raw().map((l) => JSON.parse(l) as Record<string, unknown>), { raw });
  return { stream, lines };
}

describe('logger redaction', () => {
  it('never writes tokens or raw tool arguments', () => {
    const out = capture();
    const log = createLogger({ name: 'test', destination: out.stream });
    log.info(
      {
        event: { action: { tool: 'send_email', args: { to: 'x@y.z', body: 'SECRET-BODY' } }, credential: { token_id: 'tok-SECRET' } },
        req: { headers: { authorization: 'Bearer eyJSECRET' } },
        token: 'eyJSECRET2',
      },
      'event received',
    );
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('SECRET');
    expect(text).toContain('send_email');
    expect(text).toContain('[redacted]');
  });
});

describe('log lines carry each key once', () => {
  it('names nested parts with distinct keys instead of repeating component', () => {
    const out = capture();
    const root = createLogger({ name: 'chainwatch', destination: out.stream });
    const api = childLogger(root, 'decision-api');
    const http = childLogger(api, 'http');
    childLogger(http, 'inner').info({ name: 'trace_tables', version: 1 }, 'migration applied');
    const raw = out.lines.raw()[0] ?? '';
    // JSON.parse would keep the last of two equal keys: count them in the raw line.
    for (const key of ['service', 'component', 'part', 'part2', 'name']) expect(raw.split(`"${key}":`).length - 1, key).toBe(1);
    expect(out.lines()[0]).toMatchObject({ service: 'chainwatch', component: 'decision-api', part: 'http', part2: 'inner', name: 'trace_tables' });
  });
});
