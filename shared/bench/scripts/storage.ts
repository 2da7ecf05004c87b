/**
 * Embedded store hygiene: what `chainwatch start` leaves on disk for N simulated events sent over
 * HTTP. Starts the all-in-one process on a fresh data directory, runs `chainwatch simulate`
 * against it, waits until the trace writer has handled everything, lets the engine drop
 * merged-away parts (idle for `--settle` seconds), stops it, then reports the data directory's
 * size and the active parts per table.
 *
 *   npx tsx shared/bench/scripts/storage.ts [--events 10000] [--rate 2000] [--settle 100]
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClickHouse } from '@chainwatch/clickhouse';
import { CLI_SOURCE_MAIN as MAIN, REPO_ROOT, SOURCE_NODE_ARGS } from '../src/repo-paths';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const events = arg('--events', 10_000);
const rate = arg('--rate', 2000);
const settleS = arg('--settle', 100);
const dataDir = mkdtempSync(join(tmpdir(), 'chainwatch-bench-storage-'));
const du = (path: string): number => Number(execFileSync('du', ['-sb', path]).toString().split('\t')[0]);
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, MAIN, 'start', '--port', '0'], {
  cwd: REPO_ROOT,
  env: { ...process.env, LOG_LEVEL: 'warn', CHAINWATCH_DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /approver token .*\n/.test(out) ? /listening on (http:\/\/\S+)/.exec(out) : null;
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`chainwatch start exited ${code}`)));
  });
  const token = readFileSync(join(dataDir, 'dev-token'), 'utf8').trim();
  const t0 = Date.now();
  execFileSync(process.execPath, [...SOURCE_NODE_ARGS, MAIN, 'simulate', '--url', url, '--token', token, '--count', String(events), '--rate', String(rate)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Until the writer has handled everything.
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const backlog = [...metrics.matchAll(/^chainwatch_local_log_backlog_records\{group="trace-writer",topic="[^"]+"\} (\d+)/gm)].map((m) => Number(m[1]));
    if (backlog.length > 0 && backlog.every((n) => n === 0)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const stored = Date.now() - t0;
  const busy = du(dataDir);
  console.log(`storage: ${events} events sent and stored in ${(stored / 1000).toFixed(1)} s; data directory ${mib(busy)} right after`);
  await new Promise((r) => setTimeout(r, settleS * 1000));
  const settled = du(dataDir);
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  console.log(`storage: after ${settleS} s idle ${mib(settled)} (${mib((settled / events) * 10_000)} per 10k events); stopped in ${Date.now() - stoppedAt} ms`);

  const ch = await openClickHouse({ url: undefined, user: 'default', password: '', database: 'chainwatch', dataDir: join(dataDir, 'clickhouse'), ttlDays: 30 });
  try {
    const rows = await (
      await ch.client.query({
        query: `SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = 'chainwatch' AND active GROUP BY table ORDER BY bytes DESC`,
        format: 'JSONEachRow',
      })
    ).json<{ table: string; parts: string; rows: string; bytes: string }>();
    const all = await (await ch.client.query({ query: `SELECT count() AS parts, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = 'chainwatch'`, format: 'JSONEachRow' })).json<{ parts: string; bytes: string }>();
    for (const r of rows) console.log(`storage:   ${r.table.padEnd(22)} ${String(r.parts).padStart(4)} parts ${String(r.rows).padStart(8)} rows ${mib(Number(r.bytes)).padStart(10)}`);
    console.log(`storage: active parts ${rows.reduce((s, r) => s + Number(r.parts), 0)}, all parts incl. merged-away ${all[0]?.parts} (${mib(Number(all[0]?.bytes))})`);
  } finally {
    await ch.close();
  }
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
