import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvestigationStore } from '@chainwatch/clickhouse';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { buildDecisionApi, createDevAuth, type DecisionApi, type DevAuth } from '@chainwatch/decision-api';
import { testClickHouse, type TestClickHouse } from '@chainwatch/testing';
import { FakeEngine } from './fake-engine';
import { bearer, freshView } from './harness';

// The investigation endpoints are another module's; this checks how the app mounts them:
// only when a store is given, behind authentication and the analyst role.
let ch: TestClickHouse;
let auth: DevAuth;
let api: DecisionApi;

beforeAll(async () => {
  ch = await testClickHouse();
  auth = await createDevAuth();
  api = await buildDecisionApi({
    view: freshView(new FakeEngine()),
    publisher: new MemoryLog(),
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    investigation: { store: new InvestigationStore(ch.client, ch.database) },
    logger: createLogger({ name: 'investigation-mount-test', level: 'silent' }),
  });
});

afterAll(async () => {
  await api?.app.close();
  await ch?.close();
});

describe('investigation endpoints mounted by the decision API', () => {
  it('require a token and the analyst role', async () => {
    const url = '/v1/findings';
    expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const enforcer = await auth.sign({ sub: 'gw', roles: ['enforcer'] });
    const forbidden = await api.app.inject({ method: 'GET', url, headers: bearer(enforcer) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'CW_FORBIDDEN', message: expect.stringContaining('analyst') } });
    const analyst = await auth.sign({ sub: 'sec-1', roles: ['analyst'] });
    const ok = await api.app.inject({ method: 'GET', url, headers: bearer(analyst) });
    expect(ok.statusCode).toBe(200);
    const timeline = await api.app.inject({ method: 'GET', url: '/v1/sessions/s-none/timeline', headers: bearer(analyst) });
    expect([200, 404]).toContain(timeline.statusCode);
    const doc = await api.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(analyst) });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys((doc.json() as { paths: object }).paths)).toEqual(expect.arrayContaining(['/v1/findings', '/v1/decisions']));
  });

  it('are absent when no store is given', async () => {
    const other = await buildDecisionApi({
      view: freshView(new FakeEngine()),
      publisher: new MemoryLog(),
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      logger: createLogger({ name: 'investigation-mount-test', level: 'silent' }),
    });
    const analyst = await auth.sign({ sub: 'sec-1', roles: ['analyst'] });
    expect((await other.app.inject({ method: 'GET', url: '/v1/findings', headers: bearer(analyst) })).statusCode).toBe(404);
    await other.app.close();
  });
});
