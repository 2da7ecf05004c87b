/**
 * A default is defined once: the services' configuration and their library options read the same
 * defaults object, and the detection core's own defaults (approval TTL, idle time) are not
 * restated anywhere.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_TTL_MS, DEFAULT_IDLE_MS } from '@chainwatch/core';
import { DECISION_API_DEFAULTS, DEFAULT_OPTIONS, DecisionTunablesEnv } from '@chainwatch/decision-api';
import { MCP_PROXY_DEFAULTS, parseMcpProxyConfig } from '@chainwatch/mcp-proxy';
import { parseConfig } from '@chainwatch/runtime';
import { PROCESSOR_DEFAULTS, ProcessorServiceEnv } from '@chainwatch/session-processor';
import { TRACE_WRITER_DEFAULTS, loadTraceWriterConfig } from '@chainwatch/trace-writer';

describe('defaults, once', () => {
  it("the approval TTL and the idle time are the core's", () => {
    expect(DECISION_API_DEFAULTS.approvalTtlMs).toBe(DEFAULT_APPROVAL_TTL_MS);
    expect(DEFAULT_OPTIONS.approvalTtlMs).toBe(DEFAULT_APPROVAL_TTL_MS);
    expect(parseConfig(DecisionTunablesEnv, {}).APPROVAL_TTL_MS).toBe(DEFAULT_APPROVAL_TTL_MS);
    expect(PROCESSOR_DEFAULTS.idleMs).toBe(DEFAULT_IDLE_MS);
    expect(parseConfig(ProcessorServiceEnv, {}).IDLE_SESSION_MS).toBe(DEFAULT_IDLE_MS);
  });

  it("each service's environment defaults to its defaults object", () => {
    const api = parseConfig(DecisionTunablesEnv, {});
    expect([api.RATE_LIMIT_MAX, api.VIEW_STALE_MS, api.BODY_LIMIT_BYTES, api.APPROVAL_MAX_PENDING]).toEqual([
      DECISION_API_DEFAULTS.rateLimitMax,
      DECISION_API_DEFAULTS.staleMs,
      DECISION_API_DEFAULTS.bodyLimitBytes,
      DECISION_API_DEFAULTS.approvalMaxPending,
    ]);
    const processor = parseConfig(ProcessorServiceEnv, {});
    expect([processor.PROCESSOR_CHUNK_SIZE, processor.PROCESSOR_COMMIT_INTERVAL_MS, processor.PROCESSOR_METRICS_PORT]).toEqual([
      PROCESSOR_DEFAULTS.chunkSize,
      PROCESSOR_DEFAULTS.commitIntervalMs,
      PROCESSOR_DEFAULTS.metricsPort,
    ]);
    const writer = loadTraceWriterConfig({ KAFKA_BROKERS: 'kafka:9092' });
    expect([writer.groupId, writer.batch.maxRows, writer.stallMs, writer.retryMaxMs]).toEqual([
      TRACE_WRITER_DEFAULTS.groupId,
      TRACE_WRITER_DEFAULTS.maxRows,
      TRACE_WRITER_DEFAULTS.stallMs,
      TRACE_WRITER_DEFAULTS.serviceRetryMaxMs,
    ]);
    const proxy = parseMcpProxyConfig({ upstream: { url: 'http://127.0.0.1:1/mcp' }, listen: {} });
    expect(proxy.listen).toEqual({ host: MCP_PROXY_DEFAULTS.host, port: MCP_PROXY_DEFAULTS.port, path: MCP_PROXY_DEFAULTS.path });
    expect([proxy.sessionIdleMs, proxy.upstreamTimeoutMs]).toEqual([MCP_PROXY_DEFAULTS.sessionIdleMs, MCP_PROXY_DEFAULTS.upstreamTimeoutMs]);
  });

  it('durations read the same way everywhere: a unit, or the bare number of the variable', () => {
    expect(parseConfig(DecisionTunablesEnv, { APPROVAL_TTL_MS: '5m' }).APPROVAL_TTL_MS).toBe(300_000);
    expect(parseConfig(ProcessorServiceEnv, { IDLE_SESSION_MS: '1h' }).IDLE_SESSION_MS).toBe(3_600_000);
    expect(loadTraceWriterConfig({ KAFKA_BROKERS: '[::1]:9092', TRACE_WRITER_STALL_MS: '90s' })).toMatchObject({ brokers: ['[::1]:9092'], stallMs: 90_000 });
  });
});
