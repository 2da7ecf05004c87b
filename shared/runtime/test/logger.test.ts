import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
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
