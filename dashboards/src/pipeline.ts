import { sqlTarget } from './clickhouse-datasource';
import { buildDashboard } from './dashboard-layout';
import { fixedColor, unitColumn } from './field-overrides';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { tablePanel, timeSeries, type PanelSpec } from './panel-builders';
import { indentSql } from './sql-indent';

const PER_MINUTE = 'greatest($__interval_s / 60, 1)';

/** Milliseconds between an event happening and the trace writer storing its row. */
const WRITE_LAG_MS = 'toUnixTimestamp64Milli(ingested_at) - toUnixTimestamp64Milli(ts)';

const STREAMS = ['agent_actions', 'findings', 'risk_signals', 'decisions'] as const;

/** The same SELECT over each trace table, as one UNION ALL. */
function perStream(select: (table: (typeof STREAMS)[number]) => readonly string[]): string {
  return STREAMS.map((t) => select(t).join('\n')).join('\nUNION ALL\n');
}

const FRESHNESS_SQL = perStream((t) => [
  `SELECT '${t}' AS stream, count() AS rows, max(ts) AS last_event, max(ingested_at) AS last_write,`,
  `  if(count() = 0, NULL, dateDiff('second', max(ingested_at), now64(3))) AS since_last_write`,
  `FROM ${t} WHERE $__timeFilter(ts)`,
]);

const LAG_P95_SQL = [
  'SELECT time, stream, lag_ms',
  'FROM (',
  indentSql(
    perStream((t) => [
      `SELECT $__timeInterval(ts) AS time, '${t}' AS stream, quantile(0.95)(${WRITE_LAG_MS}) AS lag_ms`,
      `FROM ${t} WHERE $__timeFilter(ts) GROUP BY time`,
    ]),
    2,
  ),
  ')',
  'ORDER BY time',
].join('\n');

const LAG_SUMMARY_SQL = perStream((t) => [
  `SELECT '${t}' AS stream, count() AS rows,`,
  `  quantile(0.5)(${WRITE_LAG_MS}) AS p50, quantile(0.95)(${WRITE_LAG_MS}) AS p95,`,
  `  quantile(0.99)(${WRITE_LAG_MS}) AS p99, max(${WRITE_LAG_MS}) AS worst`,
  `FROM ${t} WHERE $__timeFilter(ts)`,
]);

/** Freshness by table, Rows per minute by stream. */
function freshnessRow(): PanelSpec[] {
  return [
    tablePanel({
      title: 'Freshness by table',
      description:
        'Rows per table in the time range, the newest event time, and how long ago the trace writer last stored a row. A growing "since last write" while agents are active means the writer is paused or ClickHouse is refusing inserts.',
      w: 10,
      h: 8,
      targets: [sqlTarget('A', FRESHNESS_SQL)],
      overrides: [unitColumn('since_last_write', 's'), unitColumn('rows', 'short')],
    }),
    timeSeries({
      title: 'Rows per minute by stream',
      description:
        'Ingestion rate by event time: agent_actions, findings and decisions from the per-minute aggregates, risk_signals from its table.',
      w: 14,
      h: 8,
      style: 'lines',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT time, stream, sum(n) / ${PER_MINUTE} AS rows_per_min
              FROM (
                SELECT $__timeInterval(minute) AS time, 'agent_actions' AS stream, sum(actions) AS n
                FROM actions_per_minute WHERE $__timeFilter(minute) GROUP BY time
                UNION ALL
                SELECT $__timeInterval(minute) AS time, 'findings' AS stream, sum(findings) AS n
                FROM findings_per_minute WHERE $__timeFilter(minute) GROUP BY time
                UNION ALL
                SELECT $__timeInterval(minute) AS time, 'decisions' AS stream, sum(decisions) AS n
                FROM decisions_per_minute WHERE $__timeFilter(minute) GROUP BY time
                UNION ALL
                SELECT $__timeInterval(ts) AS time, 'risk_signals' AS stream, count() AS n
                FROM risk_signals WHERE $__timeFilter(ts) GROUP BY time
              )
              GROUP BY time, stream
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', displayName: '${__field.labels.stream}' },
    })
  ];
}

/** Write lag p95 by stream, Write lag by stream. */
function writeLagRow(): PanelSpec[] {
  return [
    timeSeries({
      title: 'Write lag p95 by stream',
      description:
        'ingested_at - ts, 95th percentile per interval: from the action (or the finding, signal, decision) to its row in ClickHouse, through Kafka, the session processor where it applies, and the trace writer batch.',
      w: 14,
      h: 8,
      style: 'lines',
      targets: [sqlTarget('A', LAG_P95_SQL, 'timeseries')],
      defaults: { unit: 'ms', displayName: '${__field.labels.stream}' },
    }),
    tablePanel({
      title: 'Write lag by stream',
      description: 'ingested_at - ts over the whole time range: median, p95, p99 and worst case per table.',
      w: 10,
      h: 8,
      targets: [sqlTarget('A', LAG_SUMMARY_SQL)],
      defaults: { unit: 'ms', decimals: 0 },
      overrides: [unitColumn('rows', 'short')],
    })
  ];
}

/** Actions per minute by enforcement point, Decision view age. */
function trafficAndViewRow(): PanelSpec[] {
  return [
    timeSeries({
      title: 'Actions per minute by enforcement point',
      description: 'Agent actions per minute by context.source (the gateway, MCP proxy or tool router that reported them).',
      w: 12,
      h: 8,
      style: 'bars',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT $__timeInterval(ts) AS time, if(context_source = '', '(unknown)', toString(context_source)) AS source,
                count() / ${PER_MINUTE} AS actions_per_min
              FROM agent_actions
              WHERE $__timeFilter(ts)
              GROUP BY time, source
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', displayName: '${__field.labels.source}' },
    }),
    timeSeries({
      title: 'Decision view age',
      description:
        'How old the decision API view of the session was when it answered (view_age_ms of decision records): median, p95 and max per interval. Decision latency itself is the Prometheus histogram chainwatch_decision_duration_seconds.',
      w: 12,
      h: 8,
      style: 'lines',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT $__timeInterval(ts) AS time,
                quantile(0.5)(view_age_ms) AS p50, quantile(0.95)(view_age_ms) AS p95, max(view_age_ms) AS max_age
              FROM decisions
              WHERE $__timeFilter(ts) AND kind = 'decision'
              GROUP BY time
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'ms' },
    })
  ];
}

/** Stale-view and shadow decisions, Decision log by kind and caller. */
function decisionLogRow(): PanelSpec[] {
  return [
    timeSeries({
      title: 'Stale-view and shadow decisions',
      description:
        'Decisions answered while the live view was stale or missing (fail_open allowed, fail_closed denied by the configured fail mode), and decisions taken in shadow mode.',
      w: 12,
      h: 8,
      style: 'bars',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT $__timeInterval(ts) AS time,
                countIf(stale = 'fail_open') AS fail_open,
                countIf(stale = 'fail_closed') AS fail_closed,
                countIf(shadow = 1) AS shadow
              FROM decisions
              WHERE $__timeFilter(ts) AND kind = 'decision'
              GROUP BY time
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', decimals: 0 },
      overrides: [fixedColor('fail_open', 'orange'), fixedColor('fail_closed', 'red'), fixedColor('shadow', 'purple')],
    }),
    tablePanel({
      title: 'Decision log by kind and caller',
      description: 'Decision-log records (decisions, approvals, rejections) by calling enforcement point in the time range.',
      w: 12,
      h: 8,
      targets: [
        sqlTarget(
          'A',
          `
              SELECT toString(kind) AS kind, ifNull(toString(caller), '(none)') AS caller, count() AS records,
                countIf(enforced = 'deny') AS denied, countIf(enforced = 'step_up') AS step_up,
                countIf(stale IS NOT NULL) AS stale_view, round(avg(score), 1) AS avg_score
              FROM decisions
              WHERE $__timeFilter(ts)
              GROUP BY kind, caller
              ORDER BY records DESC, kind, caller`,
        ),
      ],
    })
  ];
}

export function pipelineDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: 'chainwatch-pipeline',
    title: 'Chainwatch / Pipeline',
    description:
      'Health of the path from Kafka to ClickHouse and of the decision API view, as far as ClickHouse can tell: rows per stream, freshness, write lag, decision view age and stale-view decisions. DLQ counts and decision latency are Prometheus metrics: see the Chainwatch / Services dashboard; the DLQ records themselves stay in Kafka.',
    tags: ['chainwatch'],
    time: { from: 'now-3h', to: 'now' },
    rows: [
      freshnessRow(),
      writeLagRow(),
      trafficAndViewRow(),
      decisionLogRow(),
    ],
  });
}
