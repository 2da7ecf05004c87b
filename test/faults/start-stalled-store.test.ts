/**
 * Fault suite, all-in-one mode: the trace store fails every insert (a materialized view's target
 * table is detached before the start, so each insert into agent_actions fails the way an
 * unavailable store does). Decisions go on; /readyz reports the writer that stores nothing;
 * ingestion refuses batches with 503 and Retry-After once the backlog reaches its bound instead
 * of holding them; SIGTERM still ends the process within 10 s. Once the store is repaired and
 * chainwatch started again, every acknowledged event is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse, runMigrations, type ClickHouseHandle } from '@chainwatch/clickhouse';
import { IngestLoad } from './ingest-load';
import { auth, kill9, startChainwatch, terminate, waitForStatus, type RunningChainwatch } from './chainwatch-process';

const dataDir = mkdtempSync(join(tmpdir(), 'cw-fault-stall-'));
const running: RunningChainwatch[] = [];
afterAll(async () => {
  for (const r of running) await kill9(r);
  rmSync(dataDir, { recursive: true, force: true });
});

const engineAt = (): Promise<ClickHouseHandle> =>
  openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(dataDir, 'clickhouse'), ttlDays: 30 });

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('chainwatch start: a trace store that fails every insert', () => {
  it('reports the stalled writer, pushes back on ingestion, stops on SIGTERM within 10 s, and loses nothing acknowledged', async () => {
    // Sabotage before the start: the per-minute aggregate behind agent_actions is gone.
    let ch = await engineAt();
    await runMigrations({ client: ch.client, database: 'chainwatch', ttlDays: 30 });
    await ch.client.command({ query: 'DETACH TABLE chainwatch.actions_per_minute PERMANENTLY' });
    await ch.close();

    const env = { TRACE_WRITER_STALL_MS: '3000', INGEST_MAX_BACKLOG: '600' };
    let cw = await startChainwatch(dataDir, env);
    running.push(cw);
    await waitForStatus(`${cw.url}/readyz`, 200);

    const load = new IngestLoad({ url: cw.url, token: cw.token, seed: `stall-${randomUUID()}`, senders: 3, batchSize: 50 });
    load.start();
    // Backpressure: past 600 unhandled records, batches are refused with Retry-After, not held.
    await until(async () => load.refused > 0, 120_000, 'a batch refused with 503');
    const metrics = await (await fetch(`${cw.url}/metrics`)).text();
    const backlog = Number(/^chainwatch_local_log_backlog_records\{group="trace-writer",topic="agent.actions"\} (\d+)/m.exec(metrics)?.[1] ?? -1);
    expect(backlog).toBeGreaterThanOrEqual(600);
    // Bounded: at most the bound plus the batches admitted together before it was seen.
    expect(backlog).toBeLessThan(600 + 3 * 50 + 1);

    // Readiness reports the writer that stores nothing; decisions still answer.
    const notReady = await until(async () => {
      const res = await fetch(`${cw.url}/readyz`);
      return res.status === 503 ? ((await res.json()) as { error: { code: string } }) : undefined;
    }, 30_000, '/readyz 503');
    expect(notReady.error.code).toBe('CW_WRITER_STALLED');
    const risk = await fetch(`${cw.url}/v1/sessions/${encodeURIComponent([...load.acked.values()][0]!)}/risk`, { headers: auth(cw.token) });
    expect(risk.status).toBe(200);

    // SIGTERM in this state: out within 10 s.
    await load.stop();
    const stopped = await terminate(cw);
    expect(stopped.ms).toBeLessThan(10_000);
    console.log(`[fault start-stall] SIGTERM with the writer stalled: exit ${stopped.code} after ${stopped.ms} ms; backlog bound hit (${load.refused} batches refused)`);

    // Again, killed this time, with more acknowledged meanwhile.
    cw = await startChainwatch(dataDir, env);
    running.push(cw);
    const more = new IngestLoad({ url: cw.url, token: cw.token, seed: `stall-2-${randomUUID()}`, senders: 2, batchSize: 20 });
    more.start();
    await until(async () => more.acked.size >= 40 || more.refused > 0, 60_000, 'some events acknowledged or refused');
    await kill9(cw);
    await more.stop();

    // Repair the store; start again: everything acknowledged, across both lives, is stored once.
    ch = await engineAt();
    await ch.client.command({ query: 'ATTACH TABLE chainwatch.actions_per_minute' });
    await ch.close();
    cw = await startChainwatch(dataDir, env);
    running.push(cw);
    await waitForStatus(`${cw.url}/readyz`, 200);
    await until(async () => {
      const m = await (await fetch(`${cw.url}/metrics`)).text();
      const b = [...m.matchAll(/^chainwatch_local_log_backlog_records\{group="trace-writer",topic="[^"]+"\} (\d+)/gm)].map((x) => Number(x[1]));
      return b.length > 0 && b.every((n) => n === 0);
    }, 180_000, 'the writer caught up');
    expect((await terminate(cw)).code).toBe(0);

    ch = await engineAt();
    try {
      const ids = [...load.acked.keys(), ...more.acked.keys()];
      const rows = await (
        await ch.client.query({
          query: 'SELECT uniqExact(event_id) AS stored, count() AS n FROM chainwatch.agent_actions WHERE event_id IN {ids:Array(UUID)}',
          query_params: { ids },
          format: 'JSONEachRow',
        })
      ).json<{ stored: string | number; n: string | number }>();
      console.log(`[fault start-stall] acknowledged ${ids.length}, stored ${rows[0]?.stored} (rows ${rows[0]?.n}) after the store was repaired`);
      expect(Number(rows[0]?.stored)).toBe(ids.length);
      expect(Number(rows[0]?.n)).toBe(ids.length);
    } finally {
      await ch.close();
    }
  }, 600_000);
});
