/**
 * `chainwatch simulate` delivery paths: to a real broker (agent.actions keyed by trace_id) and to
 * an HTTP ingestion endpoint (NDJSON batches with the bearer token), paced at the given rate.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AgentActionEvent } from '@chainwatch/schemas';
import { runSimulate } from '../src/commands/simulate';
import { consumeUntil, createTestTopic, kafkaBrokers, testKafka } from '@chainwatch/testing';

describe('runSimulate', () => {
  it('sends valid events keyed by trace_id to Kafka at the requested rate, with progress and a summary', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic({ prefix: 'sim-actions', partitions: 2, kafka });
    const lines: string[] = [];
    const labels = new Map<string, string>();
    const started = Date.now();
    const summary = await runSimulate({
      target: 'kafka',
      brokers: kafkaBrokers(),
      topic,
      rate: 400,
      count: 1000,
      seed: 'sim-kafka',
      attackRate: 0.3,
      log: (l) => lines.push(l),
      onTrace: (t) => labels.set(t.scenario.traceId, t.scenario.kind),
    });
    const elapsed = Date.now() - started;
    expect(summary.sent).toBe(1000);
    expect(elapsed).toBeGreaterThanOrEqual(2000); // 1000 events at 400/s
    expect(summary.traces).toBeGreaterThan(50);
    expect(summary.attacks).toBeGreaterThan(0);
    expect(Object.values(summary.scenarios).reduce((a, b) => a + b, 0)).toBe(summary.traces);
    expect(lines.filter((l) => l.startsWith('simulate: sent')).length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    expect(lines[lines.length - 1]).toMatch(/^simulate: done\. 1000 events/);

    const messages = await consumeUntil({ kafka, topic, count: 1000, timeoutMs: 30_000 });
    const partitionOfTrace = new Map<string, number>();
    for (const m of messages) {
      const event = AgentActionEvent.parse(m.json());
      expect(m.key).toBe(event.trace_id);
      expect(labels.has(event.trace_id)).toBe(true);
      // One trace, one partition: a whole delegation tree lands on one processor.
      expect(partitionOfTrace.get(event.trace_id) ?? m.partition).toBe(m.partition);
      partitionOfTrace.set(event.trace_id, m.partition);
    }
  });

  it('posts NDJSON batches with the bearer token to /v1/events and retries on 503', async () => {
    const received: Array<{ auth: string | undefined; type: string | undefined; lines: string[] }> = [];
    let failures = 1;
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url !== '/v1/events' || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        if (failures-- > 0) {
          res.writeHead(503, { 'retry-after': '0' }).end('{"code":"CW_VIEW_NOT_READY"}');
          return;
        }
        received.push({ auth: req.headers.authorization, type: req.headers['content-type'], lines: body.split('\n').filter((l) => l.length > 0) });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const summary = await runSimulate({
        target: 'http',
        url: `http://127.0.0.1:${port}`,
        token: 'test-token',
        rate: 5000,
        count: 250,
        batchSize: 100,
        seed: 2,
        log: () => undefined,
      });
      expect(summary.sent).toBe(250);
      const all = received.flatMap((r) => r.lines);
      expect(all).toHaveLength(250);
      for (const line of all) AgentActionEvent.parse(JSON.parse(line));
      for (const r of received) {
        expect(r.auth).toBe('Bearer test-token');
        expect(r.type).toBe('application/x-ndjson');
        expect(r.lines.length).toBeLessThanOrEqual(100);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects incomplete options with a message naming them', async () => {
    await expect(runSimulate({ target: 'http', rate: 10, log: () => undefined })).rejects.toThrow(/duration or a count.*|url/);
  });
});
