import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { HandlerContext, LocalLog, LogRecord, OutgoingRecord, RecordHandler, SubscribeOptions, Subscription } from '@chainwatch/kafka';
import { pollUntil, retry, sleep, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import { DATABASE_NAME_PATTERN } from '../clickhouse-config';

/** A compacted topic: the latest value per key is kept in `log_state`. */
export interface KeyedTopic {
  /** Also delivered to subscribers, like any other topic (approvals: yes; checkpoints: no). */
  readonly stream: boolean;
  /** Values go a day after they were written (approvals); tombstones always do. */
  readonly expiring: boolean;
}

export interface ClickHouseLogOptions {
  /** Ideally a connection of its own: publishes then never queue behind the trace writer's inserts. */
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly keyed?: Readonly<Record<string, KeyedTopic>>;
  readonly logger?: Logger;
  /** Records kept in memory after they are stored, so subscribers that keep up never read them back (default 20,000). */
  readonly cacheRecords?: number;
  /** Bytes of values kept in memory at most (default 64 MiB). */
  readonly cacheBytes?: number;
  /** Records per insert at most (default 10,000); publishes waiting meanwhile share the next one. */
  readonly maxFlushRecords?: number;
  /** Wait before a failed handler gets its batch again (default 1 s). */
  readonly retryMs?: number;
}

interface PendingPublish {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
  resolve(): void;
  reject(err: unknown): void;
}

interface StoredRecord extends LogRecord {
  readonly seq: number;
}

interface Delivery {
  readonly records: StoredRecord[];
  /** Read from the table up to here and found nothing more: every position may move to it. */
  readonly through?: number;
}

const META_TOPIC = '__chainwatch.log';
const DELIVERY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The durable LocalLog of `chainwatch start`, on the embedded ClickHouse engine itself (or a
 * server): what Kafka is in the service mode.
 *
 * - `publish` resolves once the records are in a part on disk (tables with fsync_after_insert,
 *   migration 0005). Publishes that arrive while an insert runs share the next one (group commit):
 *   few parts, one fsync per batch of requests.
 * - Records get a sequence number increasing across topics; each subscriber group keeps its
 *   position per topic in `log_positions` and resumes after it: a kill -9 loses nothing
 *   acknowledged and replays at most what was handled but not yet committed (at-least-once).
 * - Keyed topics keep their latest value per key in `log_state` (`latest()`), like compacted topics.
 * - Subscribers that keep up are served from a bounded in-memory tail; one that falls behind
 *   reads back from the table, so memory stays bounded whatever the backlog. `backlog()` counts it.
 */
export class ClickHouseLog implements LocalLog {
  /** Unique per log (kept in the log itself): scopes deduplication tokens derived from sequence numbers. */
  readonly id: string;
  private nextSeq: number;
  /** Every stored stream record with seq > cacheFloor is in `cache` (oldest first, from `cacheStart`). */
  private cacheFloor: number;
  private readonly cache: StoredRecord[] = [];
  private cacheStart = 0;
  private cachedBytes = 0;
  /** The highest seq stored and handed to subscribers. */
  private storedHead: number;
  private readonly pending: PendingPublish[] = [];
  private flushing: Promise<void> | null = null;
  private readonly subscribers = new Set<LogSubscriber>();
  private closed = false;
  private readonly table: { records: string; state: string; positions: string };

  private constructor(
    private readonly options: ClickHouseLogOptions,
    id: string,
    head: number,
  ) {
    this.id = id;
    this.nextSeq = head + 1;
    this.cacheFloor = head;
    this.storedHead = head;
    const q = (t: string): string => `\`${options.database}\`.${t}`;
    this.table = { records: q('log_records'), state: q('log_state'), positions: q('log_positions') };
  }

  /** Opens the log on migrated tables (migration 0005): finds where it ended, and its id. */
  static async open(options: ClickHouseLogOptions): Promise<ClickHouseLog> {
    if (!DATABASE_NAME_PATTERN.test(options.database)) throw new Error(`invalid database name ${JSON.stringify(options.database)}`);
    const db = `\`${options.database}\``;
    const [head] = await query<{ head: string | number }>(
      options.client,
      `SELECT greatest((SELECT max(seq) FROM ${db}.log_records), (SELECT max(seq) FROM ${db}.log_state), (SELECT max(position) FROM ${db}.log_positions)) AS head`,
    );
    const headSeq = Number(head?.head ?? 0);
    const [meta] = await query<{ id: string }>(options.client, `SELECT argMax(value, seq) AS id FROM ${db}.log_state WHERE topic = {t:String} AND key = 'id' GROUP BY key`, {
      t: META_TOPIC,
    });
    let id = meta?.id ?? '';
    let next = headSeq;
    if (id === '') {
      id = randomUUID();
      next = headSeq + 1;
      await options.client.insert({
        table: `${db}.log_state`,
        values: [{ topic: META_TOPIC, key: 'id', seq: next, value: id, tombstone: 0, expiring: 0, appended_at: Date.now() }],
        format: 'JSONEachRow',
      });
    }
    return new ClickHouseLog(options, id, next);
  }

  /** Resolves once every record is on disk; rejects when the insert failed (nothing of it was acknowledged). */
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('log closed'));
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, records, resolve, reject });
      this.flushSoon();
    });
  }

  async subscribe(topics: readonly string[], handler: RecordHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const sub = new LogSubscriber(this, [...new Set(topics)], handler, options);
    await sub.init();
    this.subscribers.add(sub);
    sub.start();
    return { close: () => this.unsubscribe(sub) };
  }

  async latest(topic: string): Promise<ReadonlyMap<string, Buffer | null>> {
    const rows = await query<{ key: string; value: string; tombstone: number | string }>(
      this.options.client,
      `SELECT key, argMax(value, seq) AS value, argMax(tombstone, seq) AS tombstone FROM ${this.table.state} WHERE topic = {topic:String} GROUP BY key`,
      { topic },
    );
    const out = new Map<string, Buffer | null>();
    for (const r of rows) out.set(r.key, Number(r.tombstone) === 1 ? null : Buffer.from(r.value, 'utf8'));
    return out;
  }

  backlog(topic: string, group?: string): number {
    let n = 0;
    for (const s of this.subscribers) if (group === undefined || s.group === group) n = Math.max(n, s.backlogOf(topic));
    return n;
  }

  async idle(): Promise<void> {
    await pollUntil(() => this.pending.length === 0 && this.flushing === null && [...this.subscribers].every((s) => s.isIdle()), { intervalMs: 20 });
  }

  /** Stops every subscriber (their positions committed), finishes the insert in flight and refuses further publishes. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscribers].map((s) => this.unsubscribe(s)));
    while (this.flushing) await this.flushing;
  }

  // ---- used by LogSubscriber -------------------------------------------------------------

  get client(): ClickHouseClient {
    return this.options.client;
  }

  get tables(): { readonly records: string; readonly positions: string } {
    return this.table;
  }

  get head(): number {
    return this.storedHead;
  }

  get floor(): number {
    return this.cacheFloor;
  }

  /** A subscriber's reads and handler calls that fail are tried again every `retryMs` (default 1 s) until they succeed or it closes. */
  get retryPolicy(): RetryPolicy {
    const ms = this.options.retryMs ?? 1000;
    return { attempts: Infinity, initialMs: ms, factor: 1, maxMs: ms, jitter: 0 };
  }

  get logger(): Logger | undefined {
    return this.options.logger;
  }

  /** Cached records of `topics` after their positions, oldest first, within the limits. */
  fromCache(topics: ReadonlySet<string>, positions: ReadonlyMap<string, number>, after: number, maxRecords: number): StoredRecord[] {
    let lo = this.cacheStart;
    let hi = this.cache.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cache[mid] as StoredRecord).seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredRecord[] = [];
    let bytes = 0;
    for (let i = lo; i < this.cache.length && out.length < maxRecords && bytes < DELIVERY_MAX_BYTES; i++) {
      const r = this.cache[i] as StoredRecord;
      if (!topics.has(r.topic) || r.seq <= (positions.get(r.topic) ?? 0)) continue;
      out.push(r);
      bytes += r.value.length;
    }
    return out;
  }

  // ---- internals ----------------------------------------------------------------------------

  private async unsubscribe(sub: LogSubscriber): Promise<void> {
    if (!this.subscribers.has(sub)) return;
    await sub.close();
    this.subscribers.delete(sub);
  }

  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = this.flushAll().finally(() => {
      this.flushing = null;
      if (this.pending.length > 0) this.flushSoon();
    });
  }

  /** Group commit: everything published while the previous insert ran goes into the next one. */
  private async flushAll(): Promise<void> {
    const max = this.options.maxFlushRecords ?? 10_000;
    while (this.pending.length > 0) {
      const batch: PendingPublish[] = [];
      let n = 0;
      while (this.pending.length > 0 && (batch.length === 0 || n + (this.pending[0] as PendingPublish).records.length <= max)) {
        const p = this.pending.shift() as PendingPublish;
        batch.push(p);
        n += p.records.length;
      }
      const now = Date.now();
      const streamRows: Record<string, unknown>[] = [];
      const stateRows: Record<string, unknown>[] = [];
      const stored: StoredRecord[] = [];
      for (const p of batch) {
        const keyed = this.options.keyed?.[p.topic];
        for (const r of p.records) {
          const seq = this.nextSeq++;
          const text = typeof r.value === 'string' ? r.value : r.value.toString('utf8');
          if (keyed) {
            const tombstone = text.length === 0;
            stateRows.push({ topic: p.topic, key: r.key ?? '', seq, value: text, tombstone: tombstone ? 1 : 0, expiring: keyed.expiring || tombstone ? 1 : 0, appended_at: now });
          }
          if (!keyed || keyed.stream) {
            streamRows.push({ seq, topic: p.topic, key: r.key, value: text, appended_at: now });
            stored.push({ seq, topic: p.topic, partition: 0, offset: String(seq), key: r.key, value: typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value, timestamp: now });
          }
        }
      }
      try {
        // State first: a checkpoint is never behind a stream record stored with it.
        if (stateRows.length > 0) await this.options.client.insert({ table: this.table.state, values: stateRows, format: 'JSONEachRow' });
        if (streamRows.length > 0) await this.options.client.insert({ table: this.table.records, values: streamRows, format: 'JSONEachRow' });
      } catch (err) {
        this.options.logger?.warn({ records: n, err: firstLine(err) }, 'local log: insert failed; the publishers get the error');
        for (const p of batch) p.reject(err);
        continue;
      }
      this.appendStored(stored);
      for (const p of batch) p.resolve();
    }
  }

  private appendStored(records: readonly StoredRecord[]): void {
    if (records.length === 0) return;
    const maxRecords = this.options.cacheRecords ?? 20_000;
    const maxBytes = this.options.cacheBytes ?? 64 * 1024 * 1024;
    for (const r of records) {
      this.cache.push(r);
      this.cachedBytes += r.value.length;
    }
    this.storedHead = (records[records.length - 1] as StoredRecord).seq;
    while (this.cache.length - this.cacheStart > maxRecords || (this.cachedBytes > maxBytes && this.cache.length - this.cacheStart > 1)) {
      const oldest = this.cache[this.cacheStart] as StoredRecord;
      this.cacheStart++;
      this.cachedBytes -= oldest.value.length;
      this.cacheFloor = oldest.seq;
    }
    if (this.cacheStart > 4096 && this.cacheStart * 2 > this.cache.length) {
      this.cache.splice(0, this.cacheStart);
      this.cacheStart = 0;
    }
    for (const s of this.subscribers) s.appended(records);
  }
}

/** One subscriber: its positions per topic, its backlog, its delivery loop. */
interface StepFailure {
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

const READ_FAILED: StepFailure = { message: 'local log: reading back failed; retrying', fields: {} };

class LogSubscriber {
  readonly group: string | undefined;
  private readonly topicSet: ReadonlySet<string>;
  private readonly positions = new Map<string, number>();
  private readonly backlogs = new Map<string, number>();
  /** Records with seq above this were counted in the backlog when appended (below: by the initial count). */
  private countedThrough = 0;
  private readonly maxRecords: number;
  private running: Promise<void> | null = null;
  private handling = false;
  private closed = false;
  /** Bumped by every append that concerns us: a loop that read nothing waits only if it did not change. */
  private generation = 0;
  private wake: (() => void) | null = null;
  /** Aborted by close(): ends a retry's wait. */
  private readonly closing = new AbortController();
  /** What a failure of the current step means, for the log line of its retry. */
  private failing: StepFailure = READ_FAILED;

  constructor(
    private readonly log: ClickHouseLog,
    private readonly topics: readonly string[],
    private readonly handler: RecordHandler,
    private readonly options: SubscribeOptions,
  ) {
    this.group = options.group;
    this.topicSet = new Set(topics);
    this.maxRecords = options.maxRecords ?? 500;
  }

  /** Loads the group's positions and counts what it has not handled yet. */
  async init(): Promise<void> {
    const client = this.log.client;
    const stored = new Map<string, number>();
    if (this.group !== undefined) {
      const rows = await query<{ topic: string; position: string | number }>(
        client,
        `SELECT topic, max(position) AS position FROM ${this.log.tables.positions} WHERE subscriber = {g:String} AND topic IN {topics:Array(String)} GROUP BY topic`,
        { g: this.group, topics: this.topics },
      );
      for (const r of rows) stored.set(r.topic, Number(r.position));
    }
    this.countedThrough = this.log.head;
    const start = this.options.fromBeginning === false ? this.countedThrough : 0;
    for (const t of this.topics) this.positions.set(t, stored.get(t) ?? start);
    for (const t of this.topics) {
      const [row] = await query<{ n: string | number }>(
        client,
        `SELECT count() AS n FROM ${this.log.tables.records} WHERE topic = {t:String} AND seq > {from:UInt64} AND seq <= {to:UInt64}`,
        { t, from: this.positions.get(t) ?? 0, to: this.countedThrough },
      );
      this.backlogs.set(t, Number(row?.n ?? 0));
    }
  }

  start(): void {
    this.running = this.loop();
  }

  backlogOf(topic: string): number {
    return this.backlogs.get(topic) ?? 0;
  }

  isIdle(): boolean {
    if (this.handling) return false;
    for (const n of this.backlogs.values()) if (n > 0) return false;
    return true;
  }

  /** New records were stored: count the ones for us, wake the loop. */
  appended(records: readonly StoredRecord[]): void {
    let mine = false;
    for (const r of records) {
      if (r.seq <= this.countedThrough || !this.topicSet.has(r.topic)) continue;
      this.backlogs.set(r.topic, (this.backlogs.get(r.topic) ?? 0) + 1);
      mine = true;
    }
    if (mine) {
      this.generation++;
      this.wake?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const generation = this.generation;
      // A failed step (the read or the handler) is retried from the read: a handler that committed
      // part of its batch resumes after what it committed.
      const step = await this.retrying(() => this.step());
      if (step === 'nothing' && generation === this.generation) await this.waitForRecords();
    }
  }

  /** Reads what follows our positions and hands it to the handler: 'handled', 'skipped' (none of it ours), or 'nothing' yet. */
  private async step(): Promise<'handled' | 'skipped' | 'nothing'> {
    this.failing = READ_FAILED;
    const delivery = await this.next();
    if (delivery.records.length === 0) {
      if (delivery.through === undefined) return 'nothing';
      this.advanceTo(delivery.through);
      return 'skipped';
    }
    const records = delivery.records;
    const context: HandlerContext = { commit: (record) => this.commit(records, record) };
    this.failing = { message: 'local log: handler failed; delivering the batch again', fields: { records: records.length } };
    this.handling = true;
    try {
      await this.handler(records, context);
    } finally {
      this.handling = false;
    }
    const changed = this.markHandled(records);
    if (delivery.through !== undefined) this.advanceTo(delivery.through);
    await this.persist(changed);
    return 'handled';
  }

  private advanceTo(through: number): void {
    for (const t of this.topics) this.positions.set(t, Math.max(this.positions.get(t) ?? 0, through));
  }

  /** The next records after our positions: from the in-memory tail when it reaches back far enough, else from the table. */
  private async next(): Promise<Delivery> {
    let after = Number.POSITIVE_INFINITY;
    for (const p of this.positions.values()) after = Math.min(after, p);
    const floor = this.log.floor;
    if (after >= floor) return { records: this.log.fromCache(this.topicSet, this.positions, after, this.maxRecords) };
    // Each topic after its own position (bound parameters t0/p0, t1/p1, ...).
    const params: Record<string, unknown> = { floor, limit: this.maxRecords };
    const conditions = this.topics.map((t, i) => {
      params[`t${i}`] = t;
      params[`p${i}`] = this.positions.get(t) ?? 0;
      return `(topic = {t${i}:String} AND seq > {p${i}:UInt64})`;
    });
    const rows = await query<{ seq: string | number; topic: string; key: string | null; value: string; ts: string | number }>(
      this.log.client,
      `SELECT seq, topic, key, value, toUnixTimestamp64Milli(appended_at) AS ts FROM ${this.log.tables.records}
       WHERE seq <= {floor:UInt64} AND (${conditions.join(' OR ')}) ORDER BY seq LIMIT {limit:UInt32}`,
      params,
    );
    const records: StoredRecord[] = rows.map((r) => {
      const seq = Number(r.seq);
      return { seq, topic: r.topic, partition: 0, offset: String(seq), key: r.key, value: Buffer.from(r.value, 'utf8'), timestamp: Number(r.ts) };
    });
    return rows.length < this.maxRecords ? { records, through: floor } : { records };
  }

  /** The handler says `record` and everything of its topic before it in the batch are handled. */
  private async commit(batch: readonly StoredRecord[], record: LogRecord): Promise<void> {
    const upTo = Number(record.offset);
    const changed = this.markHandled(batch.filter((r) => r.topic === record.topic && r.seq <= upTo));
    await this.persist(changed);
  }

  /** Moves positions past `records` (in seq order); returns the topics whose position moved. */
  private markHandled(records: readonly StoredRecord[]): Set<string> {
    const changed = new Set<string>();
    for (const r of records) {
      const pos = this.positions.get(r.topic) ?? 0;
      if (r.seq <= pos) continue;
      this.positions.set(r.topic, r.seq);
      this.backlogs.set(r.topic, Math.max(0, (this.backlogs.get(r.topic) ?? 0) - 1));
      changed.add(r.topic);
    }
    return changed;
  }

  /** Writes the group's positions of `topics` (a crash resumes after them). Failures are logged: at worst, records are delivered again. */
  private async persist(topics: ReadonlySet<string>): Promise<void> {
    if (this.group === undefined || topics.size === 0) return;
    const now = Date.now();
    const values = [...topics].map((topic) => ({ subscriber: this.group, topic, position: this.positions.get(topic) ?? 0, updated_at: now }));
    try {
      await this.log.client.insert({ table: this.log.tables.positions, values, format: 'JSONEachRow' });
    } catch (err) {
      this.log.logger?.warn({ group: this.group, err: firstLine(err) }, 'local log: position not committed; records may be delivered again after a restart');
    }
  }

  /** Waits until records for us are appended, or until closed. */
  private waitForRecords(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }

  /** Runs `attempt` on the log's retry policy until it succeeds; null once closed. */
  private retrying<T>(attempt: () => Promise<T>): Promise<T | null> {
    return retry(attempt, {
      policy: this.log.retryPolicy,
      retriable: () => !this.closed,
      // Closing cuts the wait short; appends do not.
      wait: (ms) => sleep(ms, this.closing.signal),
      onRetry: (err) => this.log.logger?.warn({ group: this.group, err: firstLine(err), ...this.failing.fields }, this.failing.message),
    }).catch(() => null);
  }

}

async function query<T>(client: ClickHouseClient, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** First line of an error, without the engine's echo of rows. */
function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? '').slice(0, 200) : String(err).slice(0, 200);
}
