/**
 * OpenTelemetry ingestion with the real OpenTelemetry JS SDK: an instrumented "agent" (GenAI and MCP
 * semantic conventions) exports through the official OTLP/HTTP exporters, JSON and protobuf, to a
 * running decision API over a socket. Tool executions become AgentActionEvents (the same events from
 * either encoding), a nested agent a delegation, every other span is counted and dropped.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectionEngine, loadDefaultPolicy } from '@chainwatch/core';
import { InProcessView, buildDecisionApi, createDevAuth, listenDecisionApi, type DecisionApi, type DevAuth } from '@chainwatch/decision-api';
import { MemoryLog } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { AgentActionEvent, TOPICS } from '@chainwatch/schemas';

describe('POST /v1/traces with the OpenTelemetry SDK and its OTLP exporters', () => {
  let api: DecisionApi;
  let url: string;
  let auth: DevAuth;
  const logs: MemoryLog[] = [];
  let log: MemoryLog;

  beforeAll(async () => {
    auth = await createDevAuth();
    log = new MemoryLog();
    const shipped = loadDefaultPolicy();
    const engine = createDetectionEngine({ catalog: shipped.catalog, policy: shipped.policy, rules: shipped.rules });
    api = await buildDecisionApi({
      view: new InProcessView(engine, { caughtUp: () => true }),
      publisher: log,
      auth: { jwks: auth.jwks, issuer: auth.issuer, audience: auth.audience },
      logger: createLogger({ name: 'otlp-test', level: 'silent' }),
    });
    url = await listenDecisionApi(api, { host: '127.0.0.1', port: 0 });
    logs.push(log);
  });
  afterAll(async () => {
    await api?.app.close();
  });

  /** One agent run, instrumented as the GenAI and MCP conventions say, exported through `exporter`. */
  async function runAgent(exporter: SpanExporter): Promise<{ traceId: string; plannerSpanId: string; mailerSpanId: string }> {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'travel-assistant', 'user.id': 'user:alice' }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    const tracer: Tracer = provider.getTracer('agent-instrumentation');
    const ids = { traceId: '', plannerSpanId: '', mailerSpanId: '' };
    // Parents passed explicitly (no global context manager needed): under(span) is the context of its children.
    const under = (span: Span): Context => trace.setSpan(ROOT_CONTEXT, span);
    const http = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST' } });
    const planner = tracer.startSpan(
      'invoke_agent planner',
      { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.agent.id': 'asst_planner', 'gen_ai.request.model': 'gpt-5' } },
      under(http),
    );
    ids.traceId = planner.spanContext().traceId;
    ids.plannerSpanId = planner.spanContext().spanId;
    tracer.startSpan('chat gpt-5', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-5' } }, under(planner)).end();
    tracer
      .startSpan(
        'execute_tool read_inbox',
        {
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'read_inbox',
            'gen_ai.tool.call.id': 'call_inbox_1',
            'gen_ai.tool.call.arguments': JSON.stringify({ folder: 'INBOX', limit: 5 }),
            'gen_ai.tool.call.result': JSON.stringify({ messages: ['Your invoice: pay at https://pay.vendor-billing.test or write to refunds@vendor-billing.test'] }),
          },
        },
        under(planner),
      )
      .end();
    // An MCP tool call seen from both sides: the client span and the server span of the same request.
    const mcpAttrs = { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search_flights', 'mcp.session.id': 'mcp-s-1', 'jsonrpc.request.id': '7', 'gen_ai.operation.name': 'execute_tool' };
    const mcpClient = tracer.startSpan('tools/call search_flights', { kind: SpanKind.CLIENT, attributes: mcpAttrs }, under(planner));
    const mcpServer = tracer.startSpan('tools/call search_flights', { kind: SpanKind.SERVER, attributes: mcpAttrs }, under(mcpClient));
    mcpServer.setAttribute('error.type', 'tool_error');
    mcpServer.end();
    mcpClient.setAttribute('error.type', 'tool_error');
    mcpClient.end();
    // A sub-agent the planner delegates to.
    const mailer = tracer.startSpan('invoke_agent mailer', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'mailer' } }, under(planner));
    ids.mailerSpanId = mailer.spanContext().spanId;
    const send = tracer.startSpan(
      'execute_tool send_email',
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'send_email',
          'gen_ai.tool.call.id': 'call_send_1',
          'gen_ai.tool.call.arguments': JSON.stringify({ to: 'refunds@vendor-billing.test', body: 'card 4111 1111 1111 1111' }),
        },
      },
      under(mailer),
    );
    send.setStatus({ code: SpanStatusCode.ERROR, message: 'smtp refused' });
    send.end();
    // A tool span without a tool name: rejected, counted.
    tracer.startSpan('execute_tool', { attributes: { 'gen_ai.operation.name': 'execute_tool' } }, under(mailer)).end();
    mailer.end();
    planner.end();
    http.end();
    await provider.forceFlush();
    await provider.shutdown();
    return ids;
  }

  type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>['compression']>;
  function exporter(kind: 'json' | 'proto', gzip = false): SpanExporter {
    const options = { url: `${url}/v1/traces`, headers: { authorization: `Bearer ${auth.token}` }, ...(gzip ? { compression: 'gzip' as Compression } : {}) };
    return kind === 'json' ? new JsonExporter(options) : new ProtoExporter(options);
  }

  const published = (): AgentActionEvent[] => log.records(TOPICS.actions).map((r) => AgentActionEvent.parse(JSON.parse(r.value.toString('utf8'))));

  it('turns the tool executions of a JSON export into agent actions, and drops the rest', async () => {
    const before = published().length;
    const { traceId, plannerSpanId, mailerSpanId } = await runAgent(exporter('json'));
    const events = published().slice(before);
    expect(events.map((e) => `${e.action.kind}:${e.action.tool}`).sort()).toEqual(['delegation:invoke_agent', 'tool_call:read_inbox', 'tool_call:search_flights', 'tool_call:send_email']);
    const by = (tool: string) => events.find((e) => e.action.tool === tool)!;
    const [inbox, flights, delegation, send] = [by('read_inbox'), by('search_flights'), by('invoke_agent'), by('send_email')];
    // The delegation comes before the delegated agent's actions, so its session starts as a child.
    expect(events.indexOf(delegation)).toBeLessThan(events.indexOf(send));

    const plannerSession = `otel:${traceId}:${plannerSpanId}`;
    const mailerSession = `otel:${traceId}:${mailerSpanId}`;
    expect(inbox).toMatchObject({
      trace_id: traceId,
      session_id: plannerSession,
      parent_session_id: null,
      agent: { id: 'asst_planner', type: 'planner', model: 'gpt-5', spiffe_id: 'spiffe://otel.chainwatch.local/otel/travel-assistant/planner' },
      principal: { sub: 'user:alice' },
      task: { id: `otel:${traceId}` },
      action: { kind: 'tool_call', tool: 'read_inbox', args: { folder: 'INBOX', limit: 5 } },
      context: { source: 'otlp' },
      outcome: 'allowed',
    });
    expect(inbox.action.result_entities?.emails).toEqual(['refunds@vendor-billing.test']);
    expect(inbox.action.result_entities?.urls).toEqual(['https://pay.vendor-billing.test']);
    expect(JSON.stringify(inbox)).not.toContain('Your invoice');
    // One event for the MCP call seen by its client and its server; a tool_error is the tool's answer, not a failure.
    expect(flights).toMatchObject({ session_id: plannerSession, outcome: 'allowed', action: { result_error: true } });
    expect(delegation).toMatchObject({ session_id: plannerSession, action: { operation: 'delegate', target_session_id: mailerSession } });
    expect(send).toMatchObject({ session_id: mailerSession, parent_session_id: plannerSession, agent: { type: 'mailer' }, outcome: 'error' });
    expect(send.action.args).toEqual({ to: 'refunds@vendor-billing.test', body: 'card 4111 1111 1111 1111' });

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/chainwatch_otlp_spans_total\{result="event"\} 3/);
    expect(metrics).toMatch(/chainwatch_otlp_spans_total\{result="delegation"\} 1/);
    expect(metrics).toMatch(/chainwatch_otlp_spans_total\{result="duplicate"\} 1/);
    // POST /chat, the planner's own invoke_agent span, the chat span.
    expect(metrics).toMatch(/chainwatch_otlp_spans_total\{result="not_tool"\} 3/);
    expect(metrics).toMatch(/chainwatch_otlp_spans_total\{result="invalid"\} 1/);
  });

  it('makes the same events from a protobuf export of the same spans (gzip-compressed)', async () => {
    const before = published().length;
    const { traceId } = await runAgent(exporter('proto', true));
    const events = published().slice(before);
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.trace_id === traceId)).toBe(true);
    expect(events.map((e) => `${e.action.kind}:${e.action.tool}:${e.outcome}`).sort()).toEqual([
      'delegation:invoke_agent:allowed',
      'tool_call:read_inbox:allowed',
      'tool_call:search_flights:allowed',
      'tool_call:send_email:error',
    ]);
    expect(events.find((e) => e.action.tool === 'read_inbox')!.action.result_entities?.emails).toEqual(['refunds@vendor-billing.test']);
    expect(events.find((e) => e.action.tool === 'send_email')!.action.args).toEqual({ to: 'refunds@vendor-billing.test', body: 'card 4111 1111 1111 1111' });
  });

  it('re-sent spans keep their event ids (downstream de-duplicates by event_id)', async () => {
    const spans = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'execute_tool lookup',
                  kind: 1,
                  startTimeUnixNano: '1767225600000000000',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                    { key: 'gen_ai.tool.name', value: { stringValue: 'lookup' } },
                    { key: 'gen_ai.conversation.id', value: { stringValue: 'conv_42' } },
                    { key: 'gen_ai.tool.call.arguments', value: { kvlistValue: { values: [{ key: 'q', value: { stringValue: 'weather' } }] } } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const post = () =>
      fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'application/json' }, body: JSON.stringify(spans) });
    const before = published().length;
    const first = await post();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({});
    await post();
    const events = published().slice(before);
    expect(events).toHaveLength(2);
    expect(events[0]!.event_id).toBe(events[1]!.event_id);
    expect(events[0]).toMatchObject({ session_id: 'conv_42', ts: 1767225600000, action: { tool: 'lookup', args: { q: 'weather' } } });
  });

  it('requires an enforcer token, and refuses what is not OTLP', async () => {
    const body = JSON.stringify({ resourceSpans: [] });
    expect((await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    const analyst = await auth.sign({ sub: 'analyst-1', roles: ['analyst'] });
    expect((await fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body })).status).toBe(403);
    const garbage = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'application/x-protobuf' }, body: Buffer.from([0xff, 0xff, 0xff]) });
    expect(garbage.status).toBe(400);
    const text = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    const brotli = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'application/json', 'content-encoding': 'br' }, body });
    expect(brotli.status).toBe(400);
    expect(((await brotli.json()) as { error: { message: string } }).error.message).toMatch(/Content-Encoding br/);
  });
});
