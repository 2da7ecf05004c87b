/** The GenAI span mapping on hand-made spans: the cases the SDK test does not produce. */
import { describe, expect, it } from 'vitest';
import { mapGenAiSpans, type AttrValue, type SpanView } from '@chainwatch/decision-api';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
let n = 0;
function span(attrs: Record<string, AttrValue>, over: Partial<SpanView> = {}): SpanView {
  n++;
  return {
    traceId: TRACE,
    spanId: n.toString(16).padStart(16, '0'),
    parentSpanId: '',
    name: 'span',
    kind: 1,
    startMs: 1_767_225_600_000 + n,
    statusCode: 0,
    attributes: new Map(Object.entries(attrs)),
    resource: new Map<string, AttrValue>([['service.name', 'svc']]),
    ...over,
  };
}
const tool = (name: string, extra: Record<string, AttrValue> = {}, over: Partial<SpanView> = {}) =>
  span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, ...extra }, over);

describe('mapGenAiSpans', () => {
  it('maps an MCP resources/read span to a data_access event', () => {
    const { events } = mapGenAiSpans([span({ 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'file:///home/a/report.pdf' })]);
    expect(events[0]!.action).toEqual({ kind: 'data_access', tool: 'resources/read', operation: 'read', resource: 'file:///home/a/report.pdf' });
  });

  it('keeps only a digest of arguments too large for the contract, and none of unparseable ones', () => {
    const big = tool('upload', { 'gen_ai.tool.call.arguments': JSON.stringify({ blob: 'x'.repeat(20_000) }) });
    const junk = tool('lookup', { 'gen_ai.tool.call.arguments': 'not json {' });
    const { events } = mapGenAiSpans([big, junk]);
    const [a, b] = events;
    expect(a!.action.args).toBeUndefined();
    expect(a!.action.args_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b!.action.args).toBeUndefined();
    expect(b!.action.args_digest).toBeUndefined();
  });

  it('rejects tool spans it cannot turn into a valid event, naming why without their content', () => {
    const mapped = mapGenAiSpans([span({ 'gen_ai.operation.name': 'execute_tool' }), tool('t', {}, { startMs: 0 })]);
    expect(mapped.events).toEqual([]);
    expect(mapped.counts.invalid).toBe(2);
    expect(mapped.problems[0]).toMatch(/gen_ai.tool.name missing/);
    expect(mapped.problems[1]).toMatch(/^ts: /);
  });

  it('uses conversation ids as sessions, for agents and their tools, and links a nested agent', () => {
    const outer = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'router', 'gen_ai.conversation.id': 'conv-1' });
    const inner = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'payer' }, { parentSpanId: outer.spanId });
    const pay = tool('pay_invoice', { 'gen_ai.tool.call.arguments': { iban: 'DE89370400440532013000' } }, { parentSpanId: inner.spanId });
    const { events, counts } = mapGenAiSpans([pay, inner, outer]);
    expect(counts).toMatchObject({ event: 1, delegation: 1, not_tool: 1 });
    const delegation = events.find((e) => e.action.kind === 'delegation')!;
    const payment = events.find((e) => e.action.tool === 'pay_invoice')!;
    expect(delegation).toMatchObject({ session_id: 'conv-1', agent: { type: 'router' }, action: { target_session_id: `otel:${TRACE}:${inner.spanId}` } });
    expect(payment).toMatchObject({ session_id: `otel:${TRACE}:${inner.spanId}`, parent_session_id: 'conv-1', agent: { type: 'payer' } });
    expect(payment.action.args).toEqual({ iban: 'DE89370400440532013000' });
  });

  it('reads a tool name from an MCP span name when gen_ai.tool.name is absent', () => {
    const { events } = mapGenAiSpans([span({ 'mcp.method.name': 'tools/call' }, { name: 'tools/call get-weather' })]);
    expect(events[0]!.action.tool).toBe('get-weather');
  });
});
