import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseLength, runLoad } from '../src/load/http-load';

describe('responseLength', () => {
  it('reads content-length and chunked bodies, and waits for missing bytes', () => {
    const fixed = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(responseLength(fixed)).toBe(fixed.length);
    expect(responseLength(fixed.subarray(0, fixed.length - 1))).toBe(-1);
    const chunked = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1');
    expect(responseLength(chunked)).toBe(chunked.length - 'HTTP/1.1'.length);
    expect(responseLength(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'))).toBe(-1);
  });
});

describe('runLoad against a real server', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.url === '/fail' ? 500 : 200;
        res.end('{"decision":"deny"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (path: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;

  it('saturates with a closed loop and reports latency percentiles', async () => {
    const r = await runLoad({ host: '127.0.0.1', port, request: request('/ok'), mode: 'saturate', connections: 4, durationMs: 500 });
    expect(r.requests).toBeGreaterThan(100);
    expect(r.errors).toBe(0);
    expect(r.p50Us).toBeGreaterThan(0);
    expect(r.p99Us).toBeGreaterThanOrEqual(r.p50Us);
  });

  it('paces evenly: at 400 req/s, one request every 2.5 ms on its schedule, not bursts', async () => {
    const r = await runLoad({ host: '127.0.0.1', port, request: request('/ok'), mode: 'paced', rate: 400, connections: 2, durationMs: 1000 });
    expect(r.requests).toBeGreaterThanOrEqual(395);
    expect(r.requests).toBeLessThanOrEqual(402);
    expect(r.errors).toBe(0);
    // Each request leaves at its scheduled time (start + i / rate), give or take the event loop:
    // a generator sending each second's quota at once would be up to a second late.
    expect(r.sendLagP50Us).toBeLessThan(2000);
    expect(r.late).toBe(0);
  });

  it('counts non-2xx answers as errors', async () => {
    const r = await runLoad({ host: '127.0.0.1', port, request: request('/fail'), mode: 'saturate', connections: 2, durationMs: 200 });
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errors).toBe(r.requests);
  });
});
