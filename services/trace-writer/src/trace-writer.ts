import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ROW_IDENTITY,
  ROW_MAPPERS,
  RowMappingError,
  DATABASE_NAME_PATTERN,
  clickHouseErrorType,
  isRowRejection,
  storedIds,
  type TraceTable,
} from '@chainwatch/clickhouse';
import type { LogRecord, OutgoingRecord, RecordPublisher } from '@chainwatch/kafka';
import { ChainwatchError, retry, retryPolicy, sleep, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import { TOPICS } from '@chainwatch/schemas';
import { TRACE_WRITER_DEFAULTS } from './defaults';
import { TOPIC_TABLES } from './topic-tables';
import type { TraceWriterMetrics } from './writer-metrics';

export interface TraceWriterOptions {
  readonly client: ClickHouseClient;
  readonly database: string;
  /** Where unmappable and refused records go. */
  readonly dlq: RecordPublisher;
  /** The dead-letter topic (default TOPICS.writerDlq). */
  readonly dlqTopic?: string;
  readonly logger: Logger;
  readonly metrics?: TraceWriterMetrics;
  /** Rows per insert at most (default 10 000). Chunks are aligned on offsets, so a redelivered range yields the same tokens. */
  readonly maxRows?: number;
  /** Overrides of TRACE_WRITER_DEFAULTS.retry (backoff while the store is unavailable). */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Prefix of every deduplication token. Kafka: none (offsets are durable, the token is
   * `topic:partition:first-last`). A log whose offsets restart at 0 (the in-process MemoryLog)
   * must pass a value unique to this log instance, or a restart would collide with the previous
   * run's tokens inside the deduplication window and silently drop rows.
   */
  readonly tokenScope?: string;
  /** Topic → table (default TOPIC_TABLES); records of other topics are ignored. */
  readonly topicTables?: Readonly<Record<string, TraceTable>>;
  /**
   * Record each chunk's offset range in `writer_intents` before inserting it, and cut redelivered
   * records at a recorded boundary (Kafka: true). Without it, a crash between an insert and its
   * commit can duplicate that chunk when the redelivered fetch reaches further than the original.
   */
  readonly intents?: boolean;
  /**
   * Largest DLQ message value in bytes (default 1,000,000; Kafka's default message.max.bytes is
   * 1,048,588). A record's raw bytes are cut so its DLQ record fits, and DLQ records are published
   * in requests of at most this many bytes.
   */
  readonly dlqMaxBytes?: number;
  /** Attempts at storing one row the store refuses before it goes to the DLQ (default 3). */
  readonly rowAttempts?: number;
  /** Drop rows whose identity (event_id, finding_id) is already stored (default true; see ROW_IDENTITY). */
  readonly dedupe?: boolean;
}

/** Hooks of one writeBatch call: the Kafka runner pauses/heartbeats through them. */
export interface WriteControl {
  /** Checked before every attempt; false stops retrying (WriterStoppedError). */
  readonly keepTrying?: () => boolean;
  /** Called once when the first attempt of a batch fails (before backing off). */
  readonly onFailing?: () => void;
  /** Called after a batch that had failed is stored. */
  readonly onRecovered?: () => void;
  /** Called while waiting between attempts (e.g. Kafka heartbeat). */
  readonly onWait?: () => Promise<void>;
  /** Called after each chunk is stored, in offset order, with its last record (commit point). */
  readonly onChunkStored?: (last: LogRecord) => Promise<void> | void;
  /** Overrides TraceWriterOptions.tokenScope for this batch. */
  readonly tokenScope?: string;
}

export interface WriteResult {
  readonly rows: Readonly<Partial<Record<TraceTable, number>>>;
  readonly dlq: number;
  readonly ignored: number;
}

/** The writer was stopped (or the runner lost the partition) before the batch was stored (CW_WRITER_STOPPED). */
export class WriterStoppedError extends ChainwatchError {
  constructor() {
    super('CW_WRITER_STOPPED');
    this.name = 'WriterStoppedError';
  }
}

interface Chunk {
  readonly topic: string;
  readonly partition: number;
  readonly table: TraceTable;
  readonly records: LogRecord[];
  /** Redelivery of a recorded intent: this chunk ends exactly at that offset. */
  readonly endsAt?: bigint;
}

interface Intent {
  readonly first: string;
  readonly last: string;
}

interface Reject {
  readonly record: LogRecord;
  readonly reason: string;
}

interface PreparedChunk {
  readonly chunk: Chunk;
  readonly rows: Record<string, unknown>[];
  /** The record each row came from (same index). */
  readonly rowRecords: LogRecord[];
  readonly rejects: Reject[];
  readonly started: number;
}

/** Room in a DLQ message for everything but the raw bytes (reason, source, digest, JSON). */
const DLQ_ENVELOPE_BYTES = 4096;
const YIELD_EVERY = 500;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Turns log records into ClickHouse rows, exactly once per offset range:
 * - records are grouped by (topic, partition) and cut into offset-aligned chunks of at most maxRows;
 * - each chunk is one insert with `insert_deduplication_token = topic:partition:first-last`
 *   (and deduplication in dependent materialized views), so a retried or redelivered chunk adds nothing;
 * - rows whose identity (event_id, finding_id) is already stored are dropped, so a record sent
 *   twice is one row (ROW_IDENTITY);
 * - an insert that fails because the store is unavailable is retried with capped exponential
 *   back-off until it succeeds or the writer stops;
 * - an insert the store refuses for its data (a value that does not parse or fit) is split in
 *   halves until the refused rows are found; each is tried `rowAttempts` times and then goes to
 *   the DLQ, and the partition moves on;
 * - a record that is not valid JSON or fails its schema goes to the DLQ with the reason;
 * - DLQ records carry the raw bytes cut to fit the broker's message size.
 * writeBatch resolves only when every row of the batch is stored or dead-lettered: callers commit
 * offsets after it. `stalledMs()` says how long a batch has been waiting without progress.
 */
export class TraceWriter {
  private readonly maxRows: number;
  private readonly topicTables: Readonly<Record<string, TraceTable>>;
  private readonly retry: RetryPolicy;
  private readonly tables: Readonly<Record<TraceTable, string>>;
  private readonly intentsTable: string;
  private stopped = false;
  /** Aborted by stop(): ends a retry's wait. */
  private readonly stopping = new AbortController();
  /** Latest recorded intent per `topic\0partition` (null: none recorded); loaded on first sight. */
  private readonly intentCache = new Map<string, Intent | null>();
  private readonly dlqMaxBytes: number;
  private readonly rowAttempts: number;
  /** writeBatch calls in progress, and when the oldest started; last time a chunk was stored. */
  private active = 0;
  private busySince = 0;
  private lastProgressAt = Date.now();

  constructor(private readonly options: TraceWriterOptions) {
    if (!DATABASE_NAME_PATTERN.test(options.database)) throw new Error(`invalid database name ${JSON.stringify(options.database)}`);
    this.maxRows = options.maxRows ?? TRACE_WRITER_DEFAULTS.maxRows;
    this.topicTables = options.topicTables ?? TOPIC_TABLES;
    if (!Number.isInteger(this.maxRows) || this.maxRows < 1) throw new Error('maxRows must be a positive integer');
    this.retry = retryPolicy(TRACE_WRITER_DEFAULTS.retry, options.retry);
    const q = (t: TraceTable): string => `\`${options.database}\`.${t}`;
    this.tables = { agent_actions: q('agent_actions'), findings: q('findings'), risk_signals: q('risk_signals'), decisions: q('decisions') };
    this.intentsTable = `\`${options.database}\`.writer_intents`;
    this.dlqMaxBytes = options.dlqMaxBytes ?? TRACE_WRITER_DEFAULTS.dlqMaxBytes;
    if (!Number.isInteger(this.dlqMaxBytes) || this.dlqMaxBytes < DLQ_ENVELOPE_BYTES * 2) throw new Error(`dlqMaxBytes must be at least ${DLQ_ENVELOPE_BYTES * 2}`);
    this.rowAttempts = Math.max(1, options.rowAttempts ?? TRACE_WRITER_DEFAULTS.rowAttempts);
    options.metrics?.observeStall(() => this.stalledMs(Date.now()));
  }

  /**
   * How long the batch in progress has gone without storing anything (0 when idle): a store that
   * refuses every insert, or a DLQ that accepts nothing, shows here. The readiness of the writer.
   */
  stalledMs(now: number): number {
    return this.active === 0 ? 0 : Math.max(0, now - Math.max(this.busySince, this.lastProgressAt));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Forget cached intents (after a rebalance another writer may have moved on). */
  forgetIntents(): void {
    this.intentCache.clear();
  }

  /** Stops retrying: pending writeBatch calls reject with WriterStoppedError. */
  stop(): void {
    this.stopped = true;
    this.stopping.abort();
  }

  /**
   * Stores `records`; resolves once every row is stored. Chunks are inserted one at a time, in
   * order; while one insert runs in the engine, the next chunk is mapped (the engine works off
   * the event loop), so large batches cost little more than the inserts themselves.
   */
  async writeBatch(records: readonly LogRecord[], control: WriteControl = {}): Promise<WriteResult> {
    if (this.active++ === 0) this.busySince = Date.now();
    try {
      return await this.writeChunks(records, control);
    } finally {
      this.active--;
      this.lastProgressAt = Date.now();
    }
  }

  private async writeChunks(records: readonly LogRecord[], control: WriteControl): Promise<WriteResult> {
    const rows: Partial<Record<TraceTable, number>> = {};
    let dlq = 0;
    let ignored = 0;
    let storing: Promise<void> | null = null;
    if (this.options.intents) await this.loadIntents(records, control);
    for (const chunk of this.chunks(records)) {
      if (!chunk) {
        ignored++;
        continue;
      }
      const prepared = await this.prepare(chunk);
      if (storing) await storing;
      const store: Promise<void> = this.store(prepared, control).then(async (outcome) => {
        rows[chunk.table] = (rows[chunk.table] ?? 0) + outcome.stored;
        dlq += outcome.dlq;
        this.lastProgressAt = Date.now();
        const last = chunk.records[chunk.records.length - 1];
        if (last && control.onChunkStored) await control.onChunkStored(last);
      });
      // Awaited before the next chunk or at the end; this only keeps Node from flagging it meanwhile.
      store.catch(() => undefined);
      storing = store;
    }
    if (storing) await storing;
    return { rows, dlq, ignored };
  }

  /** Groups by (topic, partition) in arrival order and cuts on offset-aligned boundaries; null = ignored record. */
  private *chunks(records: readonly LogRecord[]): Generator<Chunk | null> {
    const groups = new Map<string, Chunk[]>();
    const order: Chunk[][] = [];
    for (const record of records) {
      const table = this.topicTables[record.topic];
      if (!table) {
        yield null;
        continue;
      }
      const key = `${record.topic}\u0000${record.partition}`;
      let list = groups.get(key);
      if (!list) {
        list = [];
        groups.set(key, list);
        order.push(list);
      }
      const last = list[list.length - 1];
      if (last && this.sameChunk(last, record)) {
        last.records.push(record);
      } else {
        const intent = list.length === 0 ? this.intentCache.get(key) : undefined;
        const endsAt = intent && intent.first === record.offset ? BigInt(intent.last) : undefined;
        list.push({ topic: record.topic, partition: record.partition, table, records: [record], ...(endsAt === undefined ? {} : { endsAt }) });
      }
    }
    for (const list of order) yield* list;
  }

  /** Same offset-aligned slot as the chunk, or within the recorded boundary it must end at. */
  private sameChunk(chunk: Chunk, record: LogRecord): boolean {
    if (chunk.endsAt !== undefined) return BigInt(record.offset) <= chunk.endsAt;
    return Math.floor(Number(chunk.records[0]?.offset) / this.maxRows) === Math.floor(Number(record.offset) / this.maxRows);
  }

  private async loadIntents(records: readonly LogRecord[], control: WriteControl): Promise<void> {
    const wanted = new Map<string, { topic: string; partition: number }>();
    for (const r of records) {
      const key = `${r.topic}\u0000${r.partition}`;
      if (!this.intentCache.has(key) && this.topicTables[r.topic] && !wanted.has(key)) wanted.set(key, { topic: r.topic, partition: r.partition });
    }
    for (const [key, { topic, partition }] of wanted) {
      await this.withRetry(this.topicTables[topic] as TraceTable, control, { failing: false }, async () => {
        const result = await this.options.client.query({
          query: `SELECT count() AS n, toString(argMax(first_offset, (written_at, last_offset))) AS first,
                    toString(argMax(last_offset, (written_at, last_offset))) AS last
                  FROM ${this.intentsTable} WHERE topic = {topic:String} AND partition = {partition:UInt32}`,
          query_params: { topic, partition },
          format: 'JSONEachRow',
        });
        const [row] = await result.json<{ n: string | number; first: string; last: string }>();
        this.intentCache.set(key, row && Number(row.n) > 0 ? { first: row.first, last: row.last } : null);
      });
    }
  }

  /** Maps a chunk to rows, yielding to the event loop every few hundred records. */
  private async prepare(chunk: Chunk): Promise<PreparedChunk> {
    const started = performance.now();
    const mapper = ROW_MAPPERS[chunk.table];
    const rows: Record<string, unknown>[] = [];
    const rowRecords: LogRecord[] = [];
    const rejects: Reject[] = [];
    const records = chunk.records;
    for (let i = 0; i < records.length; i++) {
      if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
      const record = records[i] as LogRecord;
      try {
        rows.push(mapper(JSON.parse(record.value.toString('utf8'))) as unknown as Record<string, unknown>);
        rowRecords.push(record);
      } catch (err) {
        rejects.push({ record, reason: rejectReason(err) });
      }
    }
    return { chunk, rows, rowRecords, rejects, started };
  }

  private async store(prepared: PreparedChunk, control: WriteControl): Promise<{ stored: number; dlq: number }> {
    const { chunk, rejects, started } = prepared;
    const first = chunk.records[0]?.offset ?? '0';
    const last = chunk.records[chunk.records.length - 1]?.offset ?? first;
    const scopeName = control.tokenScope ?? this.options.tokenScope;
    const scope = scopeName ? `${scopeName}:` : '';
    const token = `${scope}${chunk.topic}:${chunk.partition}:${first}-${last}`;

    const state = { failing: false };
    const dead: Reject[] = [...rejects];
    let rows = prepared.rows;
    let rowRecords = prepared.rowRecords;
    if (rows.length > 0 && this.options.dedupe !== false) {
      ({ rows, rowRecords } = await this.dropStored(chunk, rows, rowRecords, control, state));
    }
    if (rows.length > 0) {
      if (this.options.intents) {
        await this.withRetry(chunk.table, control, state, () => this.recordIntent(chunk.topic, chunk.partition, first, last));
      }
      dead.push(...(await this.insertFindingRefused(chunk.table, rows, rowRecords, token, control, state)));
    }
    if (dead.length > 0) await this.withRetry(chunk.table, control, state, () => this.publishRejects(chunk, dead));
    if (state.failing) control.onRecovered?.();
    const stored = rows.length - (dead.length - rejects.length);
    const m = this.options.metrics;
    if (m) {
      m.rowsWritten.inc({ table: chunk.table }, stored);
      m.batchSeconds.observe({ table: chunk.table }, (performance.now() - started) / 1000);
    }
    return { stored, dlq: dead.length };
  }

  /** Rows whose identity is stored already (or repeats within the chunk) are dropped: one row per id. */
  private async dropStored(
    chunk: Chunk,
    rows: Record<string, unknown>[],
    rowRecords: LogRecord[],
    control: WriteControl,
    state: { failing: boolean },
  ): Promise<{ rows: Record<string, unknown>[]; rowRecords: LogRecord[] }> {
    const identity = ROW_IDENTITY[chunk.table];
    if (!identity) return { rows, rowRecords };
    const ids = rows.map((r) => String(r[identity.column]));
    let stored = new Set<string>();
    await this.withRetry(chunk.table, control, state, async () => {
      stored = await storedIds(this.options.client, this.options.database, chunk.table, ids);
    });
    const keptRows: Record<string, unknown>[] = [];
    const keptRecords: LogRecord[] = [];
    for (let i = 0; i < rows.length; i++) {
      const id = ids[i] as string;
      if (stored.has(id)) continue;
      stored.add(id);
      keptRows.push(rows[i] as Record<string, unknown>);
      keptRecords.push(rowRecords[i] as LogRecord);
    }
    const dropped = rows.length - keptRows.length;
    if (dropped > 0) this.options.metrics?.duplicates.inc({ table: chunk.table }, dropped);
    return { rows: keptRows, rowRecords: keptRecords };
  }

  /**
   * Inserts `rows`; resolves with the records the store refused for good. While the store is
   * unavailable, retries with back-off (forever, until stopped). When it refuses the data, a
   * batch is split in halves (each half with its own deterministic token, so a redelivery
   * deduplicates the same way) until the refused rows are isolated; a single refused row is
   * tried `rowAttempts` times.
   */
  private async insertFindingRefused(
    table: TraceTable,
    rows: Record<string, unknown>[],
    records: LogRecord[],
    token: string,
    control: WriteControl,
    state: { failing: boolean },
  ): Promise<Reject[]> {
    let refusals = 0;
    const outcome = await this.withRetry(table, control, state, async (): Promise<{ refused: string | null; split: boolean }> => {
      try {
        await this.options.client.insert({
          table: this.tables[table],
          values: rows,
          format: 'JSONEachRow',
          clickhouse_settings: {
            insert_deduplicate: 1,
            insert_deduplication_token: token,
            deduplicate_blocks_in_dependent_materialized_views: 1,
          },
        });
        return { refused: null, split: false };
      } catch (err) {
        // The store being unavailable is retried; refused data is split, or tried again and dead-lettered.
        if (!isRowRejection(err)) throw err;
        const type = clickHouseErrorType(err) ?? 'refused';
        if (rows.length > 1 || ++refusals >= this.rowAttempts) {
          this.noteFailure(table, control, state);
          return { refused: type, split: rows.length > 1 };
        }
        throw err;
      }
    });
    if (outcome.refused === null) return [];
    if (outcome.split) {
      const mid = rows.length >> 1;
      const half = (from: number, to: number): Promise<Reject[]> => {
        const part = records.slice(from, to);
        const subToken = `${token}/${part[0]?.offset}-${part[part.length - 1]?.offset}`;
        return this.insertFindingRefused(table, rows.slice(from, to), part, subToken, control, state);
      };
      this.options.logger.debug({ table, rows: rows.length, type: outcome.refused }, 'store refused the data of an insert; splitting it');
      return [...(await half(0, mid)), ...(await half(mid, rows.length))];
    }
    const record = records[0] as LogRecord;
    this.options.logger.warn(
      { table, topic: record.topic, partition: record.partition, offset: record.offset, type: outcome.refused, attempts: refusals },
      'store refused a row; sending it to the DLQ',
    );
    return [{ record, reason: `refused by the store: ${outcome.refused}` }];
  }

  private async recordIntent(topic: string, partition: number, first: string, last: string): Promise<void> {
    await this.options.client.insert({
      table: this.intentsTable,
      values: [{ topic, partition, first_offset: first, last_offset: last, written_at: Date.now() }],
      format: 'JSONEachRow',
    });
    this.intentCache.set(`${topic}\u0000${partition}`, { first, last });
  }

  /**
   * Publishes DLQ records, each cut to fit dlqMaxBytes, in requests of at most dlqMaxBytes (a
   * broker refuses a produce batch larger than its message.max.bytes).
   */
  private async publishRejects(chunk: Chunk, rejects: readonly Reject[]): Promise<void> {
    const rawMax = Math.floor(((this.dlqMaxBytes - DLQ_ENVELOPE_BYTES) * 3) / 4);
    let batch: OutgoingRecord[] = [];
    let bytes = 0;
    for (const reject of rejects) {
      const value = JSON.stringify(dlqValue(reject, rawMax));
      if (batch.length > 0 && bytes + value.length > this.dlqMaxBytes) {
        await this.options.dlq.publish(this.options.dlqTopic ?? TOPICS.writerDlq, batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ key: `${reject.record.topic}:${reject.record.partition}:${reject.record.offset}`, value });
      bytes += value.length;
    }
    if (batch.length > 0) await this.options.dlq.publish(this.options.dlqTopic ?? TOPICS.writerDlq, batch);
    this.options.metrics?.dlqRecords.inc({ topic: chunk.topic }, rejects.length);
    this.options.logger.warn(
      { topic: chunk.topic, partition: chunk.partition, count: rejects.length, first_reason: rejects[0]?.reason },
      'records sent to the trace-writer DLQ',
    );
  }

  /**
   * Runs `attempt` on the writer's retry policy until it succeeds (the store or the DLQ being
   * unavailable: every failure is retried); each failure is counted and marks `state.failing`.
   * Before every attempt: a stopped writer, or a caller that gave up, ends it with
   * WriterStoppedError.
   */
  private withRetry<T>(table: TraceTable, control: WriteControl, state: { failing: boolean }, attempt: () => Promise<T>): Promise<T> {
    return retry(
      async () => {
        if (this.stopped || (control.keepTrying && !control.keepTrying())) throw new WriterStoppedError();
        try {
          return await attempt();
        } catch (err) {
          this.noteFailure(table, control, state);
          throw err;
        }
      },
      {
        policy: this.retry,
        retriable: (err) => !(err instanceof WriterStoppedError),
        wait: (ms) => this.sleep(ms, control),
        onRetry: (err, failures, delay) => {
          if (isRowRejection(err)) return;
          // First line only: server errors may echo the rows they choked on.
          const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '').slice(0, 200) : 'unknown error';
          this.options.logger.warn({ table, attempt: failures, retry_in_ms: delay, reason }, 'clickhouse write failed; retrying');
        },
      },
    );
  }

  private noteFailure(table: TraceTable, control: WriteControl, state: { failing: boolean }): void {
    this.options.metrics?.insertFailures.inc({ table });
    if (!state.failing) {
      state.failing = true;
      control.onFailing?.();
    }
  }

  /** Waits `ms` (a retry's backoff, jitter applied by the policy), waking every second for heartbeats and stop checks. */
  private async sleep(ms: number, control: WriteControl): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await sleep(Math.min(1000, until - Date.now()), this.stopping.signal);
      if (control.onWait) await control.onWait().catch(() => undefined);
      if (control.keepTrying && !control.keepTrying()) return;
    }
  }
}

/** A trace-writer DLQ value: why, where from, and the raw bytes (cut to `rawMax`, with their full size and digest). */
function dlqValue(reject: Reject, rawMax: number): Record<string, unknown> {
  const { record, reason } = reject;
  return {
    reason,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    size_bytes: record.value.length,
    raw_sha256: createHash('sha256').update(record.value).digest('hex'),
    raw_base64: record.value.subarray(0, rawMax).toString('base64'),
    raw_truncated: record.value.length > rawMax,
  };
}

function rejectReason(err: unknown): string {
  if (err instanceof RowMappingError) return `cannot map to ${err.table}: ${err.reason}`;
  if (err instanceof SyntaxError) return 'value is not valid JSON';
  return err instanceof Error ? err.message.slice(0, 300) : 'unmappable record';
}
