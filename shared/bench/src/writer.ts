import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { randomBytes, randomUUID } from 'node:crypto';
import { openClickHouse, runMigrations, toAgentActionRow, type AgentActionRow } from '@chainwatch/clickhouse';
import type { LogRecord, OutgoingRecord, RecordPublisher } from '@chainwatch/kafka';
import { createLogger } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { TraceWriter } from '@chainwatch/trace-writer';
import { benchEvent } from './bench-event';
import { corePlan, pinProcess } from './pinning';

export interface WriterBenchResult {
  readonly writer_rows_per_s: number;
  readonly bare_rows_per_s: number;
  readonly ratio: number;
  readonly pinned: boolean;
  readonly load_start: number;
  readonly load_end: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const BATCH_ROWS = 5000;
/** Records per writeBatch call, like one Kafka fetch of a busy partition (the writer cuts it into BATCH_ROWS inserts). */
const FETCH_RECORDS = 20_000;
/** Measured rounds per side (after one warm-up each); the median of each side is reported. */
const ROUNDS = 4;
const TOOLS = ['docs.search', 'mail.send', 'crm.lookup', 'code.exec', 'web.fetch', 'db.query'];

/**
 * Rows per second through the trace writer (log records → JSON → schema check → row → lookup of
 * the ids already stored → insert with deduplication token) against a bare client.insert of the same rows with the same
 * settings, into the embedded engine, in the same run. Rounds alternate so warm-up, background
 * merges and machine load fall on both sides; the median round of each side is reported.
 */
export interface WriterBenchOptions {
  readonly rows: number;
  /** Interleaved rounds (default 4); medians reported. */
  readonly rounds?: number;
  readonly log?: (line: string) => void;
}

export async function runWriterBench(opts: WriterBenchOptions): Promise<WriterBenchResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const rounds = Math.max(1, opts.rounds ?? ROUNDS);
  const loadStart = loadavg()[0] ?? 0;
  // The writer, its store (the embedded engine runs in this process) and the row generator share
  // one core, the other core stays free for the rest of the machine: both sides get the same CPU.
  const plan = corePlan();
  pinProcess(plan, process.pid, plan.serverCore);
  log(`writer: ${plan.pinned ? `this process (writer, embedded engine, generator) pinned to core ${plan.serverCore}` : plan.describe}; load average ${loadStart.toFixed(2)}`);
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-bench-writer-'));
  const database = `bench_${randomBytes(4).toString('hex')}`;
  const ch = await openClickHouse({ url: undefined, user: 'default', password: '', database, dataDir: dir, ttlDays: 30 });
  try {
    await runMigrations({ client: ch.client, database, ttlDays: 30 });
    const rows = Math.max(BATCH_ROWS, opts.rows);
    const now = Date.now();
    const events = Array.from({ length: rows }, (_, i) =>
      benchEvent({
        ts: now - (rows - i),
        session_id: `s-${i % 500}`,
        trace_id: `t-${i % 100}`,
        agent: { type: i % 3 === 0 ? 'planner' : 'worker' },
        action: { kind: 'tool_call', tool: TOOLS[i % TOOLS.length] ?? 'x', operation: 'read', args: { q: `query ${i} for alice@example.org` } },
      }),
    );
    // Fresh event ids every round: the writer stores one row per event_id, so a round replaying
    // the previous one's ids would insert nothing (and measure only the lookup).
    const freshValues = (): Buffer[] => events.map((e) => Buffer.from(JSON.stringify({ ...e, event_id: randomUUID() })));
    const dlq: RecordPublisher = { publish: async (_t: string, _r: readonly OutgoingRecord[]) => undefined };
    const writer = new TraceWriter({ client: ch.client, database, dlq, logger: createLogger({ name: 'bench', level: 'silent' }), maxRows: BATCH_ROWS });

    let round = 0;
    const recordsFor = (r: number): LogRecord[] =>
      freshValues().map((value, i) => ({ topic: TOPICS.actions, partition: r, offset: String(i), key: null, value, timestamp: now }));
    const writerRound = async (): Promise<number> => {
      const records = recordsFor(++round);
      const t0 = performance.now();
      for (let i = 0; i < records.length; i += FETCH_RECORDS) await writer.writeBatch(records.slice(i, i + FETCH_RECORDS));
      return rows / ((performance.now() - t0) / 1000);
    };
    // The bare side gets rows already mapped: it measures only the insert the writer also pays.
    const bareRound = async (): Promise<number> => {
      const r = ++round;
      const mapped: AgentActionRow[] = freshValues().map((v) => toAgentActionRow(JSON.parse(v.toString('utf8'))));
      const t0 = performance.now();
      for (let i = 0; i < mapped.length; i += BATCH_ROWS) {
        await ch.client.insert({
          table: `${database}.agent_actions`,
          values: mapped.slice(i, i + BATCH_ROWS),
          format: 'JSONEachRow',
          clickhouse_settings: {
            insert_deduplicate: 1,
            insert_deduplication_token: `bare:${r}:${i}`,
            deduplicate_blocks_in_dependent_materialized_views: 1,
          },
        });
      }
      return rows / ((performance.now() - t0) / 1000);
    };

    await bareRound();
    await writerRound(); // warm-up
    const bareRates: number[] = [];
    const writerRates: number[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRates.push(await bareRound());
      writerRates.push(await writerRound());
    }
    const bare = median(bareRates);
    const viaWriter = median(writerRates);
    const loadEnd = loadavg()[0] ?? 0;
    const result = {
      writer_rows_per_s: Math.round(viaWriter),
      bare_rows_per_s: Math.round(bare),
      ratio: Math.round((viaWriter / bare) * 1000) / 1000,
      pinned: plan.pinned,
      load_start: Math.round(loadStart * 100) / 100,
      load_end: Math.round(loadEnd * 100) / 100,
    };
    log(
      `writer: ${result.writer_rows_per_s} rows/s through TraceWriter, ${result.bare_rows_per_s} rows/s bare client.insert, ratio ${result.ratio} ` +
        `(medians of ${rounds} interleaved rounds; ${rows} rows, batches of ${BATCH_ROWS}, embedded engine; load average ${loadStart.toFixed(2)} → ${loadEnd.toFixed(2)})`,
    );
    return result;
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

