import { sqlTarget } from './clickhouse-datasource';
import { buildDashboard } from './dashboard-layout';
import {
  DECISION_COLORS,
  decisionColumn,
  fixedColor,
  investigateSessionLink,
  levelColumn,
  linkColumn,
  scoreColumn,
} from './field-overrides';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barGaugePanel, statPanel, tablePanel, timeSeries, type PanelSpec } from './panel-builders';

/**
 * Per-minute rate over a Grafana interval: the aggregate tables hold one row per minute, so a
 * bucket of $__interval_s seconds holds interval/60 minutes of counts (at least one).
 */
const PER_MINUTE = 'greatest($__interval_s / 60, 1)';

/** The latest risk signal of each session in the time range (argMax over (ts, seq)). */
const LATEST_SIGNAL_PER_SESSION = `
  SELECT
    session_id,
    argMax(trace_id, (ts, seq)) AS latest_trace_id,
    argMax(agent_type, (ts, seq)) AS latest_agent_type,
    argMax(agent_id, (ts, seq)) AS latest_agent_id,
    argMax(score, (ts, seq)) AS latest_score,
    argMax(level, (ts, seq)) AS latest_level,
    argMax(decision, (ts, seq)) AS latest_decision,
    argMax(reason_rule_ids, (ts, seq)) AS latest_rules,
    argMax(depth, (ts, seq)) AS latest_depth,
    argMax(digest_tainted, (ts, seq)) AS latest_tainted,
    max(ts) AS last_signal
  FROM risk_signals
  WHERE $__timeFilter(ts)
  GROUP BY session_id`;

function statRow(): ReturnType<typeof statPanel>[] {
  const count = (title: string, description: string, sql: string, color: string) =>
    statPanel({
      title,
      description,
      w: 4,
      h: 4,
      targets: [sqlTarget('A', sql)],
      defaults: { unit: 'short', decimals: 0, thresholds: [{ color, value: null }] },
    });
  return [
    count(
      'Actions',
      'Agent actions observed in the time range (actions_per_minute).',
      'SELECT sum(actions) AS actions FROM actions_per_minute WHERE $__timeFilter(minute)',
      'blue',
    ),
    count(
      'Denied actions',
      'Actions the enforcement point reported as denied (outcome = denied).',
      'SELECT sum(denied) AS denied FROM actions_per_minute WHERE $__timeFilter(minute)',
      'orange',
    ),
    count(
      'Findings',
      'Detector findings raised in the time range (findings_per_minute).',
      'SELECT sum(findings) AS findings FROM findings_per_minute WHERE $__timeFilter(minute)',
      'yellow',
    ),
    count(
      'High / critical sessions',
      'Sessions whose latest risk signal in the time range is high or critical.',
      `SELECT countIf(latest_level IN ('high', 'critical')) AS sessions FROM (${LATEST_SIGNAL_PER_SESSION})`,
      'red',
    ),
    count(
      'Denied decisions',
      'Decision API answers enforced as deny (decisions_per_minute, kind = decision).',
      "SELECT sum(decisions) AS denied FROM decisions_per_minute WHERE $__timeFilter(minute) AND enforced = 'deny'",
      'red',
    ),
    count(
      'Step-up decisions',
      'Decision API answers enforced as step_up (human approval or re-authentication required).',
      "SELECT sum(decisions) AS step_up FROM decisions_per_minute WHERE $__timeFilter(minute) AND enforced = 'step_up'",
      'orange',
    ),
  ];
}

/** Actions per minute by agent type, Top tools. */
function activityRow(): PanelSpec[] {
  return [
    timeSeries({
      title: 'Actions per minute by agent type',
      description: 'Agent actions per minute, one series per agent type (actions_per_minute).',
      w: 12,
      h: 8,
      style: 'lines',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT $__timeInterval(minute) AS time, agent_type, sum(actions) / ${PER_MINUTE} AS actions_per_min
              FROM actions_per_minute
              WHERE $__timeFilter(minute)
              GROUP BY time, agent_type
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', displayName: '${__field.labels.agent_type}' },
    }),
    barGaugePanel({
      title: 'Top tools',
      description: 'The 15 most called tools in the time range, all agent types together (actions_per_minute).',
      w: 12,
      h: 8,
      targets: [
        sqlTarget(
          'A',
          `
              SELECT tool, sum(actions) AS actions
              FROM actions_per_minute
              WHERE $__timeFilter(minute)
              GROUP BY tool
              ORDER BY actions DESC, tool
              LIMIT 15`,
        ),
      ],
      defaults: { unit: 'short', decimals: 0 },
    })
  ];
}

/** Findings per minute by detector, Decisions by outcome. */
function findingsAndDecisionsRow(): PanelSpec[] {
  return [
    timeSeries({
      title: 'Findings per minute by detector',
      description: 'Findings per minute, one series per detector (findings_per_minute).',
      w: 12,
      h: 8,
      style: 'bars',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT $__timeInterval(minute) AS time, detector, sum(findings) / ${PER_MINUTE} AS findings_per_min
              FROM findings_per_minute
              WHERE $__timeFilter(minute)
              GROUP BY time, detector
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', displayName: '${__field.labels.detector}' },
    }),
    timeSeries({
      title: 'Decisions by outcome',
      description:
        'Decision API answers per interval by enforced outcome. In shadow mode the enforced answer is always allow; those decisions appear as "<would-be> (shadow)".',
      w: 12,
      h: 8,
      style: 'bars',
      targets: [
        sqlTarget(
          'A',
          `
              SELECT
                $__timeInterval(minute) AS time,
                if(shadow = 1, concat(toString(decision), ' (shadow)'), toString(enforced)) AS outcome,
                sum(decisions) AS decisions
              FROM decisions_per_minute
              WHERE $__timeFilter(minute)
              GROUP BY time, outcome
              ORDER BY time`,
          'timeseries',
        ),
      ],
      defaults: { unit: 'short', decimals: 0, displayName: '${__field.labels.outcome}' },
      overrides: Object.entries(DECISION_COLORS).map(([decision, color]) => fixedColor(decision, color)),
    })
  ];
}

/** Sessions at high / critical risk, Top rules. */
function riskRow(): PanelSpec[] {
  return [
    tablePanel({
      title: 'Sessions at high / critical risk',
      description:
        'Sessions whose latest risk signal in the time range (argMax over ts, seq) is high or critical, riskiest first. Click a session to investigate it.',
      w: 16,
      h: 10,
      targets: [
        sqlTarget(
          'A',
          `
              SELECT
                session_id,
                latest_trace_id AS trace_id,
                latest_agent_type AS agent_type,
                latest_agent_id AS agent_id,
                round(latest_score, 1) AS score,
                latest_level AS level,
                latest_decision AS decision,
                arrayStringConcat(latest_rules, ', ') AS rules,
                latest_depth AS depth,
                latest_tainted = 1 AS tainted,
                last_signal
              FROM (${LATEST_SIGNAL_PER_SESSION})
              WHERE latest_level IN ('high', 'critical')
              ORDER BY score DESC, last_signal DESC
              LIMIT 100`,
        ),
      ],
      overrides: [
        linkColumn('session_id', [investigateSessionLink()]),
        scoreColumn('score'),
        levelColumn('level'),
        decisionColumn('decision'),
      ],
      sortBy: { displayName: 'score', desc: true },
    }),
    tablePanel({
      title: 'Top rules',
      description: 'Rules that fired most in the time range, with their detector and severity (findings_per_minute).',
      w: 8,
      h: 10,
      targets: [
        sqlTarget(
          'A',
          `
              SELECT rule_id, detector, severity, sum(findings) AS findings
              FROM findings_per_minute
              WHERE $__timeFilter(minute)
              GROUP BY rule_id, detector, severity
              ORDER BY findings DESC, rule_id
              LIMIT 20`,
        ),
      ],
      overrides: [levelColumn('severity')],
    })
  ];
}

export function overviewDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: 'chainwatch-overview',
    title: 'Chainwatch / Overview',
    description:
      'What agents are doing and where the risk is: action, finding and decision rates from the per-minute aggregates, and the sessions currently at high or critical risk.',
    tags: ['chainwatch'],
    rows: [
      statRow(),
      activityRow(),
      findingsAndDecisionsRow(),
      riskRow(),
    ],
  });
}
