/**
 * An HTTP/1.1 load generator over raw keep-alive sockets: the same prebuilt request bytes again and
 * again, one request in flight per connection, latency timed with the monotonic clock to the
 * microsecond. Two modes:
 *
 * - `saturate`: closed loop, every connection sends its next request as soon as the previous
 *   answer is complete (the server's throughput with that many clients);
 * - `paced`: open loop at a fixed rate, one request every 1/rate seconds exactly (a busy-polled
 *   schedule, not bursts per second or per timer tick), sent on an idle connection (another one is
 *   opened when all are busy). Latency counts from the scheduled send time, so a server that falls
 *   behind is charged for the queue it causes (no coordinated omission).
 *
 * It runs in a process of its own, pinned to its own core (see load-generator.ts).
 */
import { connect, type Socket } from 'node:net';
import { pollUntil, sleep } from '@chainwatch/runtime';

export interface LoadSpec {
  readonly host: string;
  readonly port: number;
  /** The whole request: request line, headers and body. */
  readonly request: string;
  readonly mode: 'saturate' | 'paced';
  /** saturate: connections; paced: connections opened up front (more are opened when all are busy). */
  readonly connections: number;
  readonly durationMs: number;
  /** paced: requests per second. */
  readonly rate?: number;
  /** Keep latencies (false for a warm-up: only counts). */
  readonly record?: boolean;
}

export interface LoadResult {
  readonly requests: number;
  /** Answers that were not 2xx, and connection errors. */
  readonly errors: number;
  readonly durationMs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** paced: requests that could not be sent on time because every connection was busy and no more could be opened. */
  readonly late?: number;
  /** paced: how late requests left against their schedule (p50 / p99, µs): the generator's own pacing accuracy. */
  readonly sendLagP50Us?: number;
  readonly sendLagP99Us?: number;
}

const MAX_PACED_CONNECTIONS = 512;

/** Length of the complete HTTP response at the start of `buf`, or -1 when more bytes are needed. */
export function responseLength(buf: Buffer): number {
  const headerEnd = buf.indexOf('\r\n\r\n');
  if (headerEnd < 0) return -1;
  const head = buf.toString('latin1', 0, headerEnd).toLowerCase();
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) {
    const total = headerEnd + 4 + Number(length[1]);
    return buf.length >= total ? total : -1;
  }
  if (!/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) return headerEnd + 4;
  let at = headerEnd + 4;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunked response');
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', lineEnd);
      return end < 0 ? -1 : end + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (buf.length < at) return -1;
  }
}

const statusOf = (buf: Buffer): number => Number(buf.toString('latin1', 9, 12));

class Connection {
  private pending: Buffer | null = null;
  /** hrtime (ns) the current request counts from; 0n when idle. */
  startedAt = 0n;
  ready: Promise<void>;

  constructor(
    private readonly spec: LoadSpec,
    private readonly bytes: Buffer,
    private readonly onAnswer: (conn: Connection, status: number) => void,
    private readonly onError: (conn: Connection) => void,
  ) {
    this.socket = connect({ host: spec.host, port: spec.port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.data(chunk));
    this.socket.on('error', () => this.onError(this));
  }

  private readonly socket: Socket;

  send(countFrom: bigint): void {
    this.startedAt = countFrom;
    this.socket.write(this.bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const length = responseLength(buf);
      if (length < 0) break;
      const status = statusOf(buf);
      buf = buf.subarray(length);
      this.onAnswer(this, status);
      if (buf.length === 0) break;
    }
    this.pending = buf.length === 0 ? null : Buffer.from(buf);
  }
}

class Latencies {
  private values: Float64Array;
  count = 0;

  constructor(private readonly keep: boolean, expected: number) {
    this.values = new Float64Array(keep ? Math.max(1024, expected) : 0);
  }

  add(us: number): void {
    if (!this.keep) {
      this.count++;
      return;
    }
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = us;
  }

  summary(): { p50: number; p99: number; max: number } {
    if (this.count === 0 || !this.keep) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
    const sorted = this.values.subarray(0, this.count).sort();
    const at = (q: number): number => sorted[Math.min(this.count - 1, Math.floor(q * this.count))] ?? Number.NaN;
    return { p50: at(0.5), p99: at(0.99), max: sorted[this.count - 1] ?? Number.NaN };
  }
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const bytes = Buffer.from(spec.request, 'utf8');
  const record = spec.record ?? true;
  const expected = spec.mode === 'paced' ? Math.ceil(((spec.rate ?? 1) * spec.durationMs) / 1000) + 16 : 1 << 16;
  const latencies = new Latencies(record, expected);
  let errors = 0;
  let stopping = false;
  const idle: Connection[] = [];
  const all: Connection[] = [];
  let inFlight = 0;

  const onAnswer = (conn: Connection, status: number): void => {
    const now = process.hrtime.bigint();
    latencies.add(Number(now - conn.startedAt) / 1000);
    if (status < 200 || status > 299) errors++;
    inFlight--;
    if (spec.mode === 'saturate' && !stopping) {
      inFlight++;
      conn.send(process.hrtime.bigint());
    } else {
      conn.startedAt = 0n;
      idle.push(conn);
    }
  };
  const onError = (conn: Connection): void => {
    errors++;
    if (conn.startedAt !== 0n) inFlight--;
    conn.startedAt = 0n;
  };
  const open = async (): Promise<Connection> => {
    const conn = new Connection(spec, bytes, onAnswer, onError);
    all.push(conn);
    await conn.ready;
    return conn;
  };

  const opened = await Promise.all(Array.from({ length: spec.connections }, open));
  let pacing: Latencies | null = null;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(spec.durationMs) * 1_000_000n;
  let late = 0;
  if (spec.mode === 'saturate') {
    for (const conn of opened) {
      inFlight++;
      conn.send(process.hrtime.bigint());
    }
    await sleep(spec.durationMs);
  } else {
    idle.push(...opened);
    const interval = 1e9 / (spec.rate ?? 1000);
    const lags = new Latencies(true, expected);
    let sent = 0;
    let opening = 0;
    pacing = lags;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = process.hrtime.bigint();
        if (now >= end) return resolve();
        const elapsed = Number(now - t0);
        while (sent * interval <= elapsed) {
          const due = t0 + BigInt(Math.round(sent * interval));
          const conn = idle.pop();
          if (conn === undefined) {
            // Every connection is busy: open another (the request waits for it, timed from `due`).
            if (all.length + opening >= MAX_PACED_CONNECTIONS) {
              late++;
              sent++;
              continue;
            }
            opening++;
            inFlight++;
            void open().then(
              (c) => {
                opening--;
                c.send(due);
              },
              () => {
                opening--;
                inFlight--;
                errors++;
              },
            );
          } else {
            inFlight++;
            conn.send(due);
          }
          lags.add(Number(now - due) / 1000);
          sent++;
        }
        setImmediate(tick);
      };
      tick();
    });
  }
  stopping = true;
  const durationMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Answers still in flight are counted when they arrive within a second.
  await pollUntil(() => inFlight === 0, { timeoutMs: 1000, intervalMs: 5 });
  for (const conn of all) conn.close();
  const s = latencies.summary();
  const lag = pacing?.summary();
  return {
    requests: latencies.count,
    errors,
    durationMs,
    p50Us: s.p50,
    p99Us: s.p99,
    maxUs: s.max,
    ...(lag ? { late, sendLagP50Us: lag.p50, sendLagP99Us: lag.p99 } : {}),
  };
}
