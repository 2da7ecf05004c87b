/**
 * The OpenAPI document describes every route with its parameters and response schemas (generated
 * from the routes' zod schemas), the investigation answers match what the document promises, and
 * the document and the interactive page are behind the API's authentication.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvestigationStore, toFindingRow } from '@chainwatch/clickhouse';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { buildDecisionApi, createDevAuth, type DecisionApi, type DevAuth, FindingsPageResponse, TimelineResponse, TraceGraphResponse } from '@chainwatch/decision-api';
import { testClickHouse, type TestClickHouse, makeFinding } from '@chainwatch/testing';
import { FakeEngine } from './fake-engine';
import { bearer, freshView } from './harness';

interface Operation {
  parameters?: { in: string; name: string; schema?: object; description?: string }[];
  requestBody?: object;
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, object> };
}

let ch: TestClickHouse;
let auth: DevAuth;
let api: DecisionApi;
let doc: OpenApiDoc;
let token: string;

beforeAll(async () => {
  ch = await testClickHouse();
  auth = await createDevAuth();
  api = await buildDecisionApi({
    view: freshView(new FakeEngine()),
    publisher: new MemoryLog(),
    auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
    investigation: { store: new InvestigationStore(ch.client, ch.database) },
    logger: createLogger({ name: 'openapi-test', level: 'silent' }),
  });
  token = await auth.sign({ sub: 'docs-reader', roles: ['analyst'] });
  const res = await api.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(token) });
  expect(res.statusCode).toBe(200);
  doc = res.json<OpenApiDoc>();
});

afterAll(async () => {
  await api?.app.close();
  await ch?.close();
});

const op = (path: string, method: string): Operation => {
  const o = doc.paths[path]?.[method];
  if (!o) throw new Error(`no ${method.toUpperCase()} ${path} in the document`);
  return o;
};
const names = (o: Operation, where: string) => (o.parameters ?? []).filter((p) => p.in === where).map((p) => p.name).sort();

describe('OpenAPI document', () => {
  it('lists every query parameter of the investigation endpoints, with descriptions', () => {
    expect(names(op('/v1/findings', 'get'), 'query')).toEqual(['agent_type', 'cursor', 'from', 'level', 'limit', 'rule', 'to']);
    expect(names(op('/v1/sessions/{id}/timeline', 'get'), 'query')).toEqual(['from', 'limit', 'to']);
    expect(names(op('/v1/sessions/{id}/timeline', 'get'), 'path')).toEqual(['id']);
    expect(names(op('/v1/traces/{id}/graph', 'get'), 'query')).toEqual(['from', 'to']);
    for (const p of op('/v1/findings', 'get').parameters ?? []) expect(p.description, p.name).toMatch(/\w/);
    const level = op('/v1/findings', 'get').parameters?.find((p) => p.name === 'level');
    expect(level?.schema).toMatchObject({ enum: ['low', 'medium', 'high', 'critical'] });
  });

  it('gives every route a response schema (no bare "Default Response") and names the shared shapes', () => {
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(methods)) {
        if (path === '/metrics') continue; // Prometheus text, not JSON
        const ok = o.responses?.['200'];
        if (!ok?.content?.['application/json']?.schema) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.components.schemas ?? {})).toEqual(
      expect.arrayContaining(['DecisionRequest', 'DecisionResponse', 'ErrorBody', 'SessionRisk', 'SessionRiskList', 'FindingsPage', 'SessionTimeline', 'TraceGraph', 'IngestResult']),
    );
    expect(JSON.stringify(op('/v1/findings', 'get').responses?.['200'])).toContain('#/components/schemas/FindingsPage');
  });

  it('documents every route the app serves', () => {
    const served = api.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((l) => /\/v1\//.test(l));
    expect(served.length).toBeGreaterThan(0);
    for (const path of ['/v1/decisions', '/v1/events', '/v1/findings', '/v1/sessions/{id}/risk', '/v1/sessions/risk', '/v1/sessions/{id}/timeline', '/v1/traces/{id}/graph']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('answers what it documents: real investigation answers parse with the documented schemas', async () => {
    const session = `sess-${randomUUID()}`;
    const f = makeFinding({ session_id: session, trace_id: `trace-${session}`, ts: Date.now() - 1000 });
    await ch.client.insert({ table: `${ch.database}.findings`, values: [toFindingRow(f)], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: `openapi-${session}` } });
    const get = async (url: string) => {
      const res = await api.app.inject({ method: 'GET', url, headers: bearer(token) });
      expect(res.statusCode, url).toBe(200);
      return res.json<unknown>();
    };
    const page = FindingsPageResponse.parse(await get(`/v1/findings?limit=5`));
    expect(page.items.some((i) => i.session_id === session)).toBe(true);
    TimelineResponse.parse(await get(`/v1/sessions/${session}/timeline`));
    TraceGraphResponse.parse(await get(`/v1/traces/trace-${session}/graph`));
  });
});

describe('API docs behind authentication', () => {
  it('refuse the document and the page without a token, with a Basic challenge for browsers', async () => {
    for (const url of ['/docs/json', '/docs', '/docs/static/index.html']) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toMatch(/^Basic realm="Chainwatch API docs/);
    }
    const bad = await api.app.inject({ method: 'GET', url: '/docs/json', headers: { authorization: `Basic ${Buffer.from('me:not-a-token').toString('base64')}` } });
    expect(bad.statusCode).toBe(401);
  });

  it('serve the interactive page to a token given as Bearer or as the Basic password', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`anyone:${token}`).toString('base64')}` };
    const page = await api.app.inject({ method: 'GET', url: '/docs', headers: basic });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const json = await api.app.inject({ method: 'GET', url: '/docs/json', headers: basic });
    expect(json.statusCode).toBe(200);
    // Any role reads the docs; the API routes keep their own roles.
    const enforcer = await auth.sign({ sub: 'gw', roles: ['enforcer'] });
    expect((await api.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(enforcer) })).statusCode).toBe(200);
    // Basic auth is only for the docs (and the ClickHouse endpoint), not the API routes.
    expect((await api.app.inject({ method: 'GET', url: '/v1/findings', headers: basic })).statusCode).toBe(401);
  });
});
