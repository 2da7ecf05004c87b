import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { FindingAlert } from '../src/alerts/alert';
import { WebhookNotifier } from '../src/alerts/webhook-notifier';

/** A real HTTP server answering each request with the next planned reply, recording bodies. */
async function receiver(plan: (n: number) => { status: number; headers?: Record<string, string>; delayMs?: number }) {
  const bodies: unknown[] = [];
  const times: number[] = [];
  let n = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const reply = plan(n++);
      times.push(Date.now());
      bodies.push({ contentType: req.headers['content-type'], json: JSON.parse(body) as unknown });
      setTimeout(() => res.writeHead(reply.status, reply.headers).end('ok'), reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`, bodies, times, requests: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const finding = (i: number, level: FindingAlert['level'] = 'high'): FindingAlert => ({
  kind: 'finding',
  ts: Date.now(),
  session_id: `sess-${i}`,
  trace_id: `trace-${i}`,
  agent_type: 'support-assistant',
  level,
  rule_id: 'exfil.secret_to_external',
  detector: 'tool_chaining',
  message: `secret read then sent to <evil.example> & friends #${i}`,
  evidence_event_ids: ['e1'],
});

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('webhook notifier (real local HTTP server)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('posts Slack-compatible JSON for findings at or above its level only', async () => {
    const r = await receiver(() => ({ status: 200 }));
    cleanup.push(r.close);
    const registry = new Registry();
    const w = new WebhookNotifier({ url: r.url, minLevel: 'high', backoffMs: 10, registry, source: 'chainwatch test' });
    w.notify(finding(1, 'medium'));
    w.notify(finding(2, 'critical'));
    await until(() => w.stats.sent === 1);
    await w.close();
    expect(r.bodies).toHaveLength(1);
    const { contentType, json } = r.bodies[0] as { contentType: string; json: { text: string; blocks: { type: string; text?: { text: string } }[] } };
    expect(contentType).toBe('application/json');
    expect(json.text).toContain('critical finding exfil.secret_to_external in session sess-2');
    expect(json.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    // Slack's control characters escaped: the message cannot open a link or a mention.
    expect(json.blocks[1]?.text?.text).toContain('&lt;evil.example&gt; &amp; friends');
    expect(json.text).not.toContain('<evil.example>');
    expect(await registry.getSingleMetricAsString('chainwatch_webhook_findings_total')).toContain('result="sent"} 1');
  });

  it('retries 5xx and network errors with backoff, honours Retry-After on 429, then delivers', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 503 } : n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    cleanup.push(r.close);
    const w = new WebhookNotifier({ url: r.url, minLevel: 'low', backoffMs: 20, maxAttempts: 5 });
    w.notify(finding(1));
    await until(() => w.stats.sent === 1);
    await w.close();
    expect(r.requests()).toBe(3);
    // The third attempt waited for Retry-After (1 s), not the 40 ms backoff.
    expect(r.times[2]! - r.times[1]!).toBeGreaterThanOrEqual(950);
    expect(w.stats).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('gives up after maxAttempts, and does not retry a 4xx other than 429', async () => {
    const down = await receiver(() => ({ status: 500 }));
    cleanup.push(down.close);
    const w = new WebhookNotifier({ url: down.url, minLevel: 'low', backoffMs: 5, maxAttempts: 3 });
    w.notify(finding(1));
    await until(() => w.stats.failed === 1);
    expect(down.requests()).toBe(3);
    await w.close();

    const wrong = await receiver(() => ({ status: 404 }));
    cleanup.push(wrong.close);
    const w2 = new WebhookNotifier({ url: wrong.url, minLevel: 'low', backoffMs: 5, maxAttempts: 5 });
    w2.notify(finding(2));
    await until(() => w2.stats.failed === 1);
    await w2.close();
    expect(wrong.requests()).toBe(1);
  });

  it('times out a hanging receiver and retries', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 200, delayMs: 2000 } : { status: 200 }));
    cleanup.push(r.close);
    const w = new WebhookNotifier({ url: r.url, minLevel: 'low', timeoutMs: 200, backoffMs: 5 });
    w.notify(finding(1));
    await until(() => w.stats.sent === 1);
    await w.close();
    expect(r.requests()).toBe(2);
  });

  it('keeps a bounded queue: drops the oldest when full, and batches what waits', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const bodies: { text: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body) as { text: string });
        void gate.then(() => res.end('ok'));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const w = new WebhookNotifier({ url, minLevel: 'low', queueSize: 5, batchSize: 10, timeoutMs: 10_000 });
    w.notify(finding(0)); // in flight, held by the gate
    await until(() => bodies.length === 1);
    for (let i = 1; i <= 8; i++) w.notify(finding(i)); // 8 queued, 3 over the bound
    expect(w.stats).toMatchObject({ dropped: 3, queued: 5 });
    release();
    await until(() => w.stats.sent === 6);
    await w.close();
    // One message for the first, one batch for the five that waited (the oldest three dropped).
    expect(bodies).toHaveLength(2);
    expect(bodies[1]!.text).toContain('Chainwatch: 5 findings');
    expect(bodies[1]!.text).toContain('sess-4');
    expect(bodies[1]!.text).not.toContain('sess-3:');
  });

  it('counts what is still queued at close as dropped after the grace period', async () => {
    const r = await receiver(() => ({ status: 200, delayMs: 5000 }));
    cleanup.push(r.close);
    const w = new WebhookNotifier({ url: r.url, minLevel: 'low', timeoutMs: 10_000, batchSize: 1 });
    w.notify(finding(1));
    w.notify(finding(2));
    const started = Date.now();
    await w.close(300);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(w.stats.sent).toBe(0);
    expect(w.stats.dropped + w.stats.failed).toBe(2);
  });
});
