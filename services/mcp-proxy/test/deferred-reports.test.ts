/**
 * An allowed call's report goes after its answer (off the response path), yet the decider still
 * sees every report, in order, before it decides any later call; a report that fails is logged and
 * takes nothing else down.
 */
import { loadDefaultPolicy } from '@chainwatch/core';
import type { AgentActionEventInput, DecisionRequest, DecisionResponse } from '@chainwatch/schemas';
import { describe, expect, it } from 'vitest';
import { ToolCallGate, ToolRegistry, parseMcpProxyConfig, resolveIdentity, type Decider } from '../src/index';
import { quietLogger } from './proxy-harness';

const policy = loadDefaultPolicy();
const config = parseMcpProxyConfig({ upstream: { url: 'http://127.0.0.1:1/mcp' } });
const ctx = { sessionId: 's1', traceId: 's1', identity: resolveIdentity(config.identity, 's1', {}), elicit: null };
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

interface Recorder extends Decider {
  readonly reports: AgentActionEventInput[];
  /** How many reports the decider had received when it was asked each decision. */
  readonly reportsSeenAtDecide: number[];
}

function recorder(options: { failReportOf?: string; verdict?: (r: DecisionRequest) => DecisionResponse['decision'] } = {}): Recorder {
  const reports: AgentActionEventInput[] = [];
  const reportsSeenAtDecide: number[] = [];
  return {
    mode: 'in-process',
    reports,
    reportsSeenAtDecide,
    decide: async (r) => {
      reportsSeenAtDecide.push(reports.length);
      const decision = options.verdict?.(r) ?? 'allow';
      return { decision_id: 'd', decision, score: 0, level: 'low', reasons: [], obligations: {}, policy_version: 'p', view_age_ms: 0, stale: null, shadow: false } satisfies DecisionResponse;
    },
    answer: async () => undefined,
    report: (e) => {
      if (e.action.tool === options.failReportOf) throw new Error('engine bug');
      reports.push(e);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

const gateFor = (decider: Decider) =>
  new ToolCallGate(decider, new ToolRegistry(), policy.catalog, { failMode: { sensitive: 'deny', other: 'allow' }, approvals: 'binding' }, quietLogger());
const answer = (text: string) => async () => ({ content: [{ type: 'text' as const, text }] });

describe('ToolCallGate reports after the answer', () => {
  it('answers first and reports on the next turn, with the result entities, never the text', async () => {
    const decider = recorder();
    const gate = gateFor(decider);
    const result = await gate.call('read_file', { path: 'a' }, ctx, answer('write to billing@vendor-pay.test: vault code 1234'));
    expect(result.content).toEqual([{ type: 'text', text: 'write to billing@vendor-pay.test: vault code 1234' }]);
    expect(decider.reports).toHaveLength(0);
    await nextTurn();
    expect(decider.reports).toHaveLength(1);
    expect(decider.reports[0]).toMatchObject({ outcome: 'allowed', action: { tool: 'read_file', result_entities: { emails: ['billing@vendor-pay.test'] } } });
    expect(JSON.stringify(decider.reports[0])).not.toContain('vault code');
  });

  it('reports every earlier call before deciding the next one, in order, even within one turn', async () => {
    const decider = recorder();
    const gate = gateFor(decider);
    for (let i = 0; i < 5; i++) await gate.call('read_file', { path: `f${i}` }, ctx, answer(`file ${i}`));
    expect(decider.reportsSeenAtDecide).toEqual([0, 1, 2, 3, 4]);
    expect(decider.reports.map((e) => (e.action.args as { path: string }).path)).toEqual(['f0', 'f1', 'f2', 'f3']);
    gate.flushReports();
    expect(decider.reports.map((e) => (e.action.args as { path: string }).path)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('keeps the order when a refusal follows an allowed call in the same turn', async () => {
    const decider = recorder({ verdict: (r) => (r.action.tool === 'send_email' ? 'deny' : 'allow') });
    const gate = gateFor(decider);
    await gate.call('read_file', { path: 'a' }, ctx, answer('a'));
    const refused = await gate.call('send_email', { to: 'x@example.org' }, ctx, answer('never'));
    expect(refused.isError).toBe(true);
    expect(decider.reports.map((e) => [e.action.tool, e.outcome])).toEqual([
      ['read_file', 'allowed'],
      ['send_email', 'denied'],
    ]);
  });

  it('logs a report that fails and still makes the ones after it', async () => {
    const decider = recorder({ failReportOf: 'broken_tool' });
    const gate = gateFor(decider);
    await gate.call('broken_tool', {}, ctx, answer('x'));
    await gate.call('read_file', { path: 'a' }, ctx, answer('a'));
    await nextTurn();
    expect(decider.reports.map((e) => e.action.tool)).toEqual(['read_file']);
  });
});
