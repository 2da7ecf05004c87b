import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChainwatchError, ERRORS, type ErrorCode } from '../src/errors';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'errors.md'), 'utf8');

describe('error catalogue', () => {
  const rows = new Map(
    [...doc.matchAll(/^\| `(CW_[A-Z_]+)` \| (\d+) \| (yes|no) \|/gm)].map((m) => [m[1]!, { status: Number(m[2]), retriable: m[3] === 'yes' }]),
  );

  it('docs/errors.md lists exactly the catalogue codes', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it.each(Object.keys(ERRORS) as ErrorCode[])('%s has the documented status and retriable flag', (code) => {
    expect(rows.get(code)).toEqual({ status: ERRORS[code].status, retriable: ERRORS[code].retriable });
  });

  it('carries code, status, retriable and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new ChainwatchError('CW_KAFKA_UNREACHABLE', 'brokers 127.0.0.1:1', { cause });
    expect(e).toMatchObject({ code: 'CW_KAFKA_UNREACHABLE', status: 503, retriable: true, cause });
    expect(e.message).toBe('Kafka broker unreachable: brokers 127.0.0.1:1');
  });
});
