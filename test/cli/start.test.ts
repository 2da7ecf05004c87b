import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { makeEvent, duplicateKeysIn } from '@chainwatch/testing';
import { runCli, startCli, stopCli } from './run-cli';

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
  /** A webhook receiver (Slack-compatible JSON bodies). */
  const hooks: { text: string; blocks: unknown[] }[] = [];
  let hookServer: Server;

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooks.push(JSON.parse(body) as { text: string; blocks: unknown[] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/services/T0/B0/secret`;
    const started = await startCli(
      ['start', '--port', '0', '--webhook', hookUrl, '--webhook-level', 'high'],
      // info: the start-up log lines (migrations, HTTP listening) are checked for repeated keys.
      { CHAINWATCH_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      /listening on (http:\/\/\S+)[\s\S]*saved to \S+:\n(\S+)\n/,
      90_000,
    );
    child = started.child;
    url = started.match[1]!;
    token = started.match[2]!;
    output = started.output;
  }, 120_000);

  afterAll(async () => {
    if (child) expect(await stopCli(child)).toBe(0);
    await new Promise<void>((r) => hookServer?.close(() => r()));
  });

  it('prints where it listens, where its data lives and a token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toContain(join(dataDir, 'clickhouse'));
    expect(token.split('.')).toHaveLength(3);
  });

  it('writes log lines that carry each key once', () => {
    const lines = output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.some((l) => l.includes('"migration applied"'))).toBe(true);
    expect(lines.some((l) => l.includes('"part":"http"'))).toBe(true);
    expect(duplicateKeysIn(output())).toEqual([]);
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

  it('refuses a second start on the same data directory with one line naming the first', async () => {
    const r = await runCli(['start', '--port', '0'], { CHAINWATCH_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^chainwatch: data directory is in use: ${dataDir} belongs to chainwatch start \\(pid ${child.pid}, listening on ${url}\\); stop it, or give this one its own data directory: CHAINWATCH_DATA_DIR=`)),
    ]);
    expect(r.stderr).not.toContain('DB::Exception');
  });

  it('prints findings as they happen, and simulate (finding the server from the data directory) ends with what it flagged', async () => {
    const before = output().length;
    const started = Date.now();
    // No --url and no CHAINWATCH_URL: simulate reads where this instance listens from the data directory.
    const sim = await runCli(['simulate', '--count', '400', '--rate', '2000', '--attack-rate', '0.5', '--seed', 'start-test'], {
      CHAINWATCH_DATA_DIR: dataDir,
      CHAINWATCH_URL: undefined,
    }, 90_000);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stdout).toContain(`to ${url}`);
    expect(sim.stdout).toMatch(/simulate: what Chainwatch flagged \(a session of the trace at medium risk or above/);
    expect(sim.stdout).toMatch(/^ {2}attack {2}\S+ +\d+ injected +\d+ flagged/m);
    const totals = /attacks flagged (\d+)\/(\d+)/.exec(sim.stdout);
    expect(Number(totals?.[2])).toBeGreaterThan(0);
    expect(Number(totals?.[1])).toBeGreaterThan(0);

    // Findings reach the terminal within seconds: one line each, time, level, session, rule, reason.
    let printed: string[] = [];
    while (Date.now() - started < 60_000) {
      printed = output().slice(before).split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3} (LOW|MEDIUM|HIGH|CRITICAL) +\S+ {2}\S/.test(l));
      if (printed.some((l) => /level \w+ -> \w+/.test(l)) && printed.some((l) => /: /.test(l))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(printed.find((l) => /^\S+ (HIGH|CRITICAL) +sess-\S+ {2}[\w.-]+: \S/.test(l)), printed.join('\n')).toBeDefined();
    expect(printed.find((l) => / {2}level (low|medium|high) -> (medium|high|critical) \(score \d+, (allow|step_up|deny)/.test(l))).toBeDefined();
    // Not a terminal: no colour codes.
    expect(printed.join('')).not.toContain('\x1b[');

    // The webhook received the high and critical findings as Slack-compatible JSON.
    const deadline = Date.now() + 30_000;
    while (hooks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(hooks.length).toBeGreaterThan(0);
    expect(hooks[0]!.text).toMatch(/^Chainwatch: /);
    expect(hooks.every((h) => !/\[(low|medium)\]/.test(h.text))).toBe(true);
  });

  it('replays a file with plain progress lines when stderr is not a terminal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cw-replay-')), 'events.ndjson');
    const sessionId = `sess-replay-${Date.now()}`;
    const events = Array.from({ length: 1500 }, (_, i) => JSON.stringify(makeEvent({ session_id: sessionId, ts: Date.now() - 60_000 + i })));
    writeFileSync(file, `${events.join('\n')}\n`);
    const r = await runCli(['replay', file, '--batch-lines', '200'], { CHAINWATCH_DATA_DIR: dataDir, CHAINWATCH_URL: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`replay: done in [\\d.]+s: 1500 lines, 1500 accepted, 0 rejected \\(${url}\\)`));
    expect(r.stderr).toMatch(/^replay: \(\d+%\) \d+ lines, \d+ accepted, 0 rejected, \d+\/s$/m);
    expect(r.stderr).not.toContain('\r');
  });
});
