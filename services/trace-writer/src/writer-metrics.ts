import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus instruments of the trace writer, registered on the registry passed in. */
export class TraceWriterMetrics {
  readonly rowsWritten: Counter<'table'>;
  readonly batchSeconds: Histogram<'table'>;
  readonly insertFailures: Counter<'table'>;
  readonly dlqRecords: Counter<'topic'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly paused: Gauge;
  readonly duplicates: Counter<'table'>;
  readonly stalledSeconds: Gauge;
  private stall: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rowsWritten = new Counter({
      name: 'chainwatch_trace_writer_rows_written_total',
      help: 'Rows inserted into ClickHouse, by table',
      labelNames: ['table'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'chainwatch_trace_writer_batch_seconds',
      help: 'Time from receiving a batch to its rows being stored (retries included), by table',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.insertFailures = new Counter({
      name: 'chainwatch_trace_writer_insert_failures_total',
      help: 'Failed insert attempts (each is retried), by table',
      labelNames: ['table'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'chainwatch_trace_writer_duplicate_rows_total',
      help: 'Rows not inserted because a row with the same identity (event_id, finding_id) is stored, by table',
      labelNames: ['table'],
      registers,
    });
    const stalledMs = (): number => this.stall();
    this.stalledSeconds = new Gauge({
      name: 'chainwatch_trace_writer_stalled_seconds',
      help: 'How long the batch in progress has gone without storing anything (0 when idle or progressing)',
      registers,
      collect() {
        this.set(stalledMs() / 1000);
      },
    });
    this.dlqRecords = new Counter({
      name: 'chainwatch_trace_writer_dlq_records_total',
      help: 'Records that could not be mapped to a row, or that the store refused, sent to the dead-letter topic',
      labelNames: ['topic'],
      registers,
    });
    this.lag = new Gauge({
      name: 'chainwatch_trace_writer_lag_records',
      help: 'Records between the last stored offset and the partition high watermark (Kafka only)',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.paused = new Gauge({
      name: 'chainwatch_trace_writer_paused',
      help: '1 while consumption is paused because ClickHouse is failing',
      registers,
    });
  }

  /** The writer reports its stall time through this (read on every scrape). */
  observeStall(stalledMs: () => number): void {
    this.stall = stalledMs;
  }
}
