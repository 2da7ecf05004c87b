/**
 * The services themselves, from the Prometheus metrics they export on /metrics: the decision
 * API (decisions, latency, view age, ingestion, approvals, decision-log drops), the session
 * processor (events, DLQ, duplicates, findings, sessions, batch time, event lag), the trace
 * writer (rows, insert failures, DLQ, lag, pauses), the webhook of `chainwatch start`, and the
 * Node.js process. In `chainwatch start` all of them share one /metrics; as separate services
 * each has its own (ports in the README), and the panels sum over the scraped instances.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { buildDashboard } from './dashboard-layout';
import { DECISION_COLORS, LEVEL_COLORS, fixedColor } from './field-overrides';
import { PROMETHEUS_DATASOURCE } from './datasources';
import { statPanel, timeSeries, type PanelSpec } from './panel-builders';

/** Every PromQL expression of the dashboard, by panel title (the tests check their metrics exist). */
export const SERVICE_METRIC_QUERIES: Record<string, string[]> = {};

function promTarget(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(PROMETHEUS_DATASOURCE)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .range();
}

const rate = (metric: string) => `rate(${metric}[$__rate_interval])`;
const quantile = (q: number, histogram: string, by = '') => `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (${rate(`${histogram}_bucket`)}))`;

interface SeriesInput {
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly style: 'lines' | 'bars';
  readonly unit: string;
  readonly queries: readonly (readonly [expr: string, legend: string])[];
  readonly colors?: Readonly<Record<string, string>>;
}

function series(input: SeriesInput): PanelSpec {
  SERVICE_METRIC_QUERIES[input.title] = input.queries.map(([expr]) => expr);
  return timeSeries({
    title: input.title,
    description: input.description,
    w: input.w,
    h: 8,
    style: input.style,
    datasource: PROMETHEUS_DATASOURCE,
    targets: input.queries.map(([expr, legend], i) => promTarget(String.fromCharCode(65 + i), expr, legend)),
    defaults: { unit: input.unit },
    overrides: Object.entries(input.colors ?? {}).map(([name, color]) => fixedColor(name, color)),
  });
}

function single(title: string, description: string, expr: string, unit: string, decimals: number, thresholds: { color: string; value: number | null }[]): PanelSpec {
  SERVICE_METRIC_QUERIES[title] = [expr];
  return statPanel({
    title,
    description,
    w: 4,
    h: 4,
    datasource: PROMETHEUS_DATASOURCE,
    targets: [promTarget('A', expr, title)],
    defaults: { unit, decimals, thresholds },
  });
}

const NEUTRAL = [{ color: 'blue', value: null }];

/** The headline figures: decision rate and latency, ingestion, findings, sessions. */
function headlineRow(): PanelSpec[] {
  return [
    single('Decisions per second', 'Decision API answers per second, all outcomes.', `sum(${rate('chainwatch_decisions_total')})`, 'reqps', 1, NEUTRAL),
    single(
      'Decision latency p99',
      'Time to compute a decision (validation excluded), 99th percentile.',
      quantile(0.99, 'chainwatch_decision_duration_seconds'),
      's',
      5,
      [
        { color: 'green', value: null },
        { color: 'orange', value: 0.001 },
        { color: 'red', value: 0.005 },
      ],
    ),
    single(
      'View age',
      'Seconds since the decision API last confirmed its live view current (-1: never). Above VIEW_STALE_MS (10 s) decisions use the fail modes.',
      'max(chainwatch_decision_view_age_seconds)',
      's',
      1,
      [
        { color: 'green', value: null },
        { color: 'orange', value: 5 },
        { color: 'red', value: 10 },
      ],
    ),
    single(
      'View ready',
      '1 when every decision API instance has caught up with the risk-signal stream.',
      'min(chainwatch_decision_view_ready)',
      'none',
      0,
      [
        { color: 'red', value: null },
        { color: 'green', value: 1 },
      ],
    ),
    single('Events processed per second', 'Events the session processors observed per second.', `sum(${rate('chainwatch_processor_events_processed_total')})`, 'ops', 1, NEUTRAL),
    single('Rows written per second', 'Rows the trace writers stored in ClickHouse per second, all tables.', `sum(${rate('chainwatch_trace_writer_rows_written_total')})`, 'rowsps', 1, NEUTRAL)
  ];
}

/** Decisions by enforced outcome, Decision latency. */
function decisionsRow(): PanelSpec[] {
  return [
    series({
      title: 'Decisions by enforced outcome',
      description: 'Decision API answers per second by the decision enforced (shadow mode enforces allow; see mode).',
      w: 12,
      style: 'bars',
      unit: 'reqps',
      queries: [[`sum by (enforced) (${rate('chainwatch_decisions_total')})`, '{{enforced}}']],
      colors: DECISION_COLORS,
    }),
    series({
      title: 'Decision latency',
      description: 'Time to compute a decision: median, 95th and 99th percentile (chainwatch_decision_duration_seconds).',
      w: 12,
      style: 'lines',
      unit: 's',
      queries: [
        [quantile(0.5, 'chainwatch_decision_duration_seconds'), 'p50'],
        [quantile(0.95, 'chainwatch_decision_duration_seconds'), 'p95'],
        [quantile(0.99, 'chainwatch_decision_duration_seconds'), 'p99'],
      ],
    })
  ];
}

/** Ingested lines by result, Processor input, Findings by severity. */
function ingestionRow(): PanelSpec[] {
  return [
    series({
      title: 'Ingested lines by result',
      description: 'NDJSON lines received on POST /v1/events per second, accepted or rejected.',
      w: 8,
      style: 'bars',
      unit: 'ops',
      queries: [[`sum by (result) (${rate('chainwatch_ingested_events_total')})`, '{{result}}']],
    }),
    series({
      title: 'Processor input',
      description: 'Events observed, quarantined to the DLQ (by reason) and ignored as duplicates, per second.',
      w: 8,
      style: 'lines',
      unit: 'ops',
      queries: [
        [`sum(${rate('chainwatch_processor_events_processed_total')})`, 'processed'],
        [`sum by (reason) (${rate('chainwatch_processor_events_invalid_total')})`, 'DLQ: {{reason}}'],
        [`sum(${rate('chainwatch_processor_events_duplicate_total')})`, 'duplicates'],
      ],
    }),
    series({
      title: 'Findings by severity',
      description: 'Findings raised per second by severity (chainwatch_processor_findings_total).',
      w: 8,
      style: 'bars',
      unit: 'ops',
      queries: [[`sum by (severity) (${rate('chainwatch_processor_findings_total')})`, '{{severity}}']],
      colors: LEVEL_COLORS,
    })
  ];
}

/** Processor batch time and event lag, Sessions in memory, Approvals and decision-log drops. */
function processorRow(): PanelSpec[] {
  return [
    series({
      title: 'Processor batch time and event lag',
      description: 'p95 time to process a chunk of records (outputs included), and p95 of wall clock minus event time when processed.',
      w: 8,
      style: 'lines',
      unit: 's',
      queries: [
        [quantile(0.95, 'chainwatch_processor_batch_duration_seconds'), 'batch p95'],
        [quantile(0.95, 'chainwatch_processor_event_lag_seconds'), 'event lag p95'],
      ],
    }),
    series({
      title: 'Sessions in memory',
      description: 'Sessions the processors hold (idle ones are evicted after IDLE_SESSION_MS; their checkpoint stays), and traces evicted and restored per second.',
      w: 8,
      style: 'lines',
      unit: 'short',
      queries: [
        ['sum(chainwatch_processor_sessions)', 'sessions'],
        [`sum(${rate('chainwatch_processor_traces_evicted_total')})`, 'traces evicted/s'],
        [`sum(${rate('chainwatch_processor_traces_restored_total')})`, 'traces restored/s'],
      ],
    }),
    series({
      title: 'Approvals and decision-log drops',
      description: 'Approval answers per second by answer, and decision-log records dropped because the log stayed unavailable (should stay 0).',
      w: 8,
      style: 'bars',
      unit: 'ops',
      queries: [
        [`sum by (answer) (${rate('chainwatch_approvals_total')})`, '{{answer}}'],
        [`sum(${rate('chainwatch_decision_log_dropped_total')})`, 'decision log dropped'],
      ],
    })
  ];
}

/** Rows written by table, Writer failures and DLQ, Writer lag and pauses. */
function writerRow(): PanelSpec[] {
  return [
    series({
      title: 'Rows written by table',
      description: 'Rows the trace writers inserted per second, by ClickHouse table.',
      w: 8,
      style: 'bars',
      unit: 'rowsps',
      queries: [[`sum by (table) (${rate('chainwatch_trace_writer_rows_written_total')})`, '{{table}}']],
    }),
    series({
      title: 'Writer failures and DLQ',
      description: 'Failed insert attempts per second by table (each is retried), and records sent to the dead-letter topic by topic.',
      w: 8,
      style: 'lines',
      unit: 'ops',
      queries: [
        [`sum by (table) (${rate('chainwatch_trace_writer_insert_failures_total')})`, 'insert failures: {{table}}'],
        [`sum by (topic) (${rate('chainwatch_trace_writer_dlq_records_total')})`, 'DLQ: {{topic}}'],
      ],
    }),
    series({
      title: 'Writer lag and pauses',
      description: 'Records between the last stored offset and the high watermark (Kafka mode), p95 batch time, and whether consumption is paused because ClickHouse is failing.',
      w: 8,
      style: 'lines',
      unit: 'short',
      queries: [
        ['sum by (topic) (chainwatch_trace_writer_lag_records)', 'lag: {{topic}}'],
        [quantile(0.95, 'chainwatch_trace_writer_batch_seconds'), 'batch p95 (s)'],
        ['max(chainwatch_trace_writer_paused)', 'paused'],
      ],
    })
  ];
}

/** Webhook (chainwatch start), Process CPU and memory, Event loop lag p99. */
function processRow(): PanelSpec[] {
  return [
    series({
      title: 'Webhook (chainwatch start)',
      description: 'Findings handed to the webhook per second by result (sent, failed after retries or a 4xx, dropped from a full queue), and the queue depth.',
      w: 8,
      style: 'lines',
      unit: 'short',
      queries: [
        [`sum by (result) (${rate('chainwatch_webhook_findings_total')})`, '{{result}}/s'],
        ['max(chainwatch_webhook_queue_depth)', 'queued'],
      ],
    }),
    series({
      title: 'Process CPU and memory',
      description: 'CPU seconds per second and resident memory of each scraped process.',
      w: 8,
      style: 'lines',
      unit: 'short',
      queries: [
        [`sum by (instance) (${rate('process_cpu_seconds_total')})`, 'CPU {{instance}}'],
        ['sum by (instance) (process_resident_memory_bytes) / 1048576', 'RSS MiB {{instance}}'],
      ],
    }),
    series({
      title: 'Event loop lag p99',
      description: 'Node.js event loop delay, 99th percentile: a busy or blocked loop delays every request and event.',
      w: 8,
      style: 'lines',
      unit: 's',
      queries: [['max by (instance) (nodejs_eventloop_lag_p99_seconds)', '{{instance}}']],
    })
  ];
}

export function serviceDashboard(): dashboard.Dashboard {
  for (const key of Object.keys(SERVICE_METRIC_QUERIES)) delete SERVICE_METRIC_QUERIES[key];
  return buildDashboard({
    uid: 'chainwatch-service',
    title: 'Chainwatch / Services',
    description:
      'The Chainwatch services from their Prometheus metrics: decision API, session processor, trace writer, webhook and the Node.js process. Needs a Prometheus that scrapes /metrics of `chainwatch start` or of each service.',
    tags: ['chainwatch'],
    time: { from: 'now-1h', to: 'now' },
    rows: [
      headlineRow(),
      decisionsRow(),
      ingestionRow(),
      processorRow(),
      writerRow(),
      processRow(),
    ],
  });
}
