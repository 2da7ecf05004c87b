import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { makeEvent } from '../fixtures/events';
import { startCli, stopCli } from './run-cli';

/**
 * The README's start command, end to end: `chainwatch start` on embedded defaults, an NDJSON batch
 * with good and bad lines over HTTP, the good ones queryable in ClickHouse (through the
 * investigation API of the same process), each bad one reported by line number.
 */
describe('chainwatch start (all-in-one)', () => {
  let child: ChildProcess;
  let url = '';
  let token = '';
  let output: () => string;
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-start-'));

  beforeAll(async () => {
    const started = await startCli(['start', '--port', '0'], { CHAINWATCH_DATA_DIR: dataDir }, /listening on (http:\/\/\S+)[\s\S]*saved to \S+:\n(\S+)\n/, 90_000);
    child = started.child;
    url = started.match[1]!;
    token = started.match[2]!;
    output = started.output;
  }, 120_000);

  afterAll(async () => {
    if (child) expect(await stopCli(child)).toBe(0);
  });

  it('prints where it listens, where its data lives and a token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toContain(join(dataDir, 'clickhouse'));
    expect(token.split('.')).toHaveLength(3);
  });

  it('serves /healthz and becomes ready', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('refuses ingestion without a token', async () => {
    const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{}\n' });
    expect(res.status).toBe(401);
  });

  it('keeps every valid line, reports each invalid one by line number, and stores the good ones', async () => {
    const sessionId = `sess-start-${Date.now()}`;
    const good1 = makeEvent({ session_id: sessionId });
    const good2 = makeEvent({ session_id: sessionId, ts: good1.ts + 1000 });
    const secondsTs = { ...makeEvent({ session_id: sessionId }), ts: 1_767_225_600 };
    const body = [JSON.stringify(good1), '{"not": json', JSON.stringify(secondsTs), JSON.stringify(good2), ''].join('\n');
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; rejected: { line: number; error: string }[] };
    expect(answer.accepted).toBe(2);
    expect(answer.rejected.map((r) => r.line)).toEqual([2, 3]);
    expect(answer.rejected[1]!.error).toMatch(/ts: must be epoch milliseconds/);

    // Both good events land in the embedded ClickHouse engine.
    const deadline = Date.now() + 30_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      const timeline = await fetch(`${url}/v1/sessions/${sessionId}/timeline?from=${good1.ts - 60_000}&to=${good2.ts + 60_000}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(timeline.status).toBe(200);
      const json = (await timeline.json()) as { items: { kind: string; id: string }[] };
      ids = json.items.filter((i) => i.kind === 'action').map((i) => i.id);
      if (ids.length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids.sort()).toEqual([good1.event_id, good2.event_id].sort());
  });
});
