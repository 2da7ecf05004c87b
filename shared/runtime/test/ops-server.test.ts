import { afterEach, describe, expect, it } from 'vitest';
import { OPS_PATHS, serveOps, type OpsServer } from '../src/ops-server';

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const metrics = { contentType: 'text/plain; version=0.0.4', metrics: async () => 'up 1\n' };
const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server?.port}${path}`, { method });

describe('serveOps', () => {
  it('answers liveness at once and readiness from ready(), on the port of /metrics', async () => {
    let ready = false;
    server = await serveOps({ port: 0, metrics, ready: () => ready });
    expect(server.port).toBeGreaterThan(0);

    const live = await get(OPS_PATHS.liveness);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    const notReady = await get(OPS_PATHS.readiness);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not_ready' });

    ready = true;
    const nowReady = await get(`${OPS_PATHS.readiness}?verbose=1`);
    expect(nowReady.status).toBe(200);
    expect(await nowReady.json()).toEqual({ status: 'ready' });

    const scraped = await get(OPS_PATHS.metrics);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe(metrics.contentType);
    expect(await scraped.text()).toBe('up 1\n');
  });

  it('404 for other paths, 405 for other methods, 500 when the registry fails', async () => {
    server = await serveOps({ port: 0, metrics: { contentType: 'text/plain', metrics: () => Promise.reject(new Error('boom')) }, ready: () => true });
    expect((await get('/')).status).toBe(404);
    expect((await get('/healthz/x')).status).toBe(404);
    expect((await get(OPS_PATHS.liveness, 'POST')).status).toBe(405);
    expect((await get(OPS_PATHS.liveness, 'HEAD')).status).toBe(200);
    expect((await get(OPS_PATHS.metrics)).status).toBe(500);
  });

  it('rejects when the port is taken (a clear start-up failure, not a silent second server)', async () => {
    server = await serveOps({ port: 0, metrics, ready: () => true });
    await expect(serveOps({ port: server.port, metrics, ready: () => true })).rejects.toThrow(/EADDRINUSE/);
  });
});
