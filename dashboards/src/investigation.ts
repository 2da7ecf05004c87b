import { sqlTarget, sqlVar } from './clickhouse-datasource';
import { buildDashboard } from './dashboard-layout';
import {
  INVESTIGATION_UID,
  LEVEL_COLORS,
  RISK_SCORE_STEPS,
  decisionColumn,
  decisionMapping,
  fixedColor,
  investigateSessionLink,
  levelColumn,
  levelMapping,
  linkColumn,
  unitColumn,
  widthColumn,
  type FieldOverride,
} from './field-overrides';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { nodeGraphPanel, statPanel, tablePanel, timeSeries, type FieldDefaults } from './panel-builders';
import { indentSql } from './sql-indent';
import { customVariable, queryVariable } from './variables';

/** Sentinel value of the "All" entry of the trace and rule variables. */
const ALL = '*';

const SESSION = sqlVar('session_id');
const TRACE_VAR = sqlVar('trace_id');
/** The chosen trace, or with "All" the trace of the chosen session. */
const TRACE = `if(${TRACE_VAR} = '${ALL}', (SELECT any(trace_id) FROM agent_actions WHERE session_id = ${SESSION}), ${TRACE_VAR})`;
const LEVELS_ARRAY = `['low', 'medium', 'high', 'critical']`;

const variables = [
  queryVariable({
    name: 'session_id',
    label: 'Session',
    description: 'The session to investigate (most recently active first).',
    sql: `
      SELECT session_id FROM agent_actions
      WHERE $__timeFilter(ts)
      GROUP BY session_id
      ORDER BY max(ts) DESC
      LIMIT 500`,
  }),
  queryVariable({
    name: 'trace_id',
    label: 'Trace',
    description: 'The trace whose delegation graph is drawn. All = the trace of the selected session.',
    sql: `
      SELECT trace_id FROM agent_actions
      WHERE $__timeFilter(ts)
      GROUP BY trace_id
      ORDER BY max(ts) DESC
      LIMIT 500`,
    allValue: ALL,
  }),
  queryVariable({
    name: 'rule',
    label: 'Rule',
    description: 'Filter the findings search by rule id.',
    sql: 'SELECT DISTINCT rule_id FROM findings WHERE $__timeFilter(ts) ORDER BY rule_id',
    allValue: ALL,
  }),
  customVariable({
    name: 'level',
    label: 'Min severity',
    description: 'Show findings of this severity or above.',
    values: ['low', 'medium', 'high', 'critical'],
    initial: 'low',
  }),
];

function sessionStats() {
  const latest = (title: string, description: string, expression: string, defaults: FieldDefaults, text = false) =>
    statPanel({
      title,
      description,
      text,
      w: 4,
      h: 4,
      targets: [
        sqlTarget(
          'A',
          `SELECT ${expression} FROM risk_signals WHERE session_id = ${SESSION} AND $__timeFilter(ts) HAVING count() > 0`,
        ),
      ],
      defaults,
    });
  const count = (title: string, description: string, sql: string) =>
    statPanel({
      title,
      description,
      w: 4,
      h: 4,
      targets: [sqlTarget('A', sql)],
      defaults: { unit: 'short', decimals: 0, thresholds: [{ color: 'blue', value: null }] },
    });
  return [
    latest('Risk score', 'Latest risk score of the session (0-100).', 'round(argMax(score, (ts, seq)), 1) AS score', {
      unit: 'none',
      decimals: 1,
      min: 0,
      max: 100,
      thresholds: RISK_SCORE_STEPS,
    }),
    latest(
      'Level',
      'Latest risk level of the session.',
      'argMax(level, (ts, seq)) AS level',
      { mappings: [levelMapping()], fixedColor: 'text' },
      true,
    ),
    latest(
      'Recommended decision',
      'What the latest signal recommends for the next action: allow, step_up or deny.',
      'argMax(decision, (ts, seq)) AS decision',
      { mappings: [decisionMapping()], fixedColor: 'text' },
      true,
    ),
    latest('Delegation depth', 'How many delegations separate this session from the originating principal.', 'argMax(depth, (ts, seq)) AS depth', {
      unit: 'none',
      decimals: 0,
    }),
    count('Actions', 'Actions of the session in the time range.', `SELECT count() AS actions FROM agent_actions WHERE session_id = ${SESSION} AND $__timeFilter(ts)`),
    count('Findings', 'Findings on the session in the time range.', `SELECT count() AS findings FROM findings WHERE session_id = ${SESSION} AND $__timeFilter(ts)`),
  ];
}

/**
 * Delegations inside the trace: parent -> child from the events' and signals' parent_session_id,
 * and session -> target_session_id from delegation actions.
 */
const TRACE_EDGES = [
  'SELECT assumeNotNull(parent_session_id) AS source, session_id AS target',
  'FROM agent_actions',
  "WHERE trace_id = selected_trace AND $__timeFilter(ts) AND ifNull(parent_session_id, '') != ''",
  'UNION ALL',
  'SELECT session_id AS source, target_session_id AS target',
  'FROM agent_actions',
  "WHERE trace_id = selected_trace AND $__timeFilter(ts) AND target_session_id != ''",
  'UNION ALL',
  'SELECT assumeNotNull(parent_session_id) AS source, session_id AS target',
  'FROM risk_signals',
  "WHERE trace_id = selected_trace AND $__timeFilter(ts) AND ifNull(parent_session_id, '') != ''",
].join('\n');

const NODES_SQL = `
  WITH ${TRACE} AS selected_trace
  SELECT
    ids.id AS id,
    if(acts.agent_type != '', acts.agent_type, if(risk.agent_type != '', risk.agent_type, 'unknown')) AS title,
    if(acts.agent_id != '', acts.agent_id, risk.agent_id) AS subTitle,
    if(risk.signals = 0, NULL, round(risk.score, 1)) AS mainStat,
    if(risk.signals = 0, 'no signal', risk.level) AS secondaryStat,
    toFloat64(risk.level = 'low') AS arc__low,
    toFloat64(risk.level = 'medium') AS arc__medium,
    toFloat64(risk.level = 'high') AS arc__high,
    toFloat64(risk.level = 'critical') AS arc__critical,
    acts.events AS detail__actions,
    acts.denied AS detail__denied,
    risk.signals AS detail__signals
  FROM (
    SELECT id FROM (
      SELECT session_id AS id FROM agent_actions WHERE trace_id = selected_trace AND $__timeFilter(ts)
      UNION ALL
      SELECT session_id AS id FROM risk_signals WHERE trace_id = selected_trace AND $__timeFilter(ts)
      UNION ALL
      SELECT arrayJoin([source, target]) AS id FROM (
${indentSql(TRACE_EDGES, 8)}
      )
    )
    GROUP BY id
  ) AS ids
  LEFT JOIN (
    SELECT session_id, any(agent_type) AS agent_type, any(agent_id) AS agent_id, count() AS events, countIf(outcome = 'denied') AS denied
    FROM agent_actions
    WHERE trace_id = selected_trace AND $__timeFilter(ts)
    GROUP BY session_id
  ) AS acts ON acts.session_id = ids.id
  LEFT JOIN (
    SELECT session_id, any(agent_type) AS agent_type, any(agent_id) AS agent_id, count() AS signals,
      argMax(score, (ts, seq)) AS score, argMax(level, (ts, seq)) AS level
    FROM risk_signals
    WHERE trace_id = selected_trace AND $__timeFilter(ts)
    GROUP BY session_id
  ) AS risk ON risk.session_id = ids.id
  ORDER BY id
  LIMIT 500`;

const EDGES_SQL = `
  WITH ${TRACE} AS selected_trace
  SELECT concat(source, ' -> ', target) AS id, source, target
  FROM (
${indentSql(TRACE_EDGES, 4)}
  )
  WHERE source != target
  GROUP BY source, target
  ORDER BY source, target
  LIMIT 1000`;

const ARC_COLORS: FieldOverride[] = Object.entries(LEVEL_COLORS).map(([level, color]) => fixedColor(`arc__${level}`, color));

const TIMELINE_SQL = `
  SELECT time, kind, name, detail, level, result, id
  FROM (
    SELECT ts AS time, 'action' AS kind, toString(tool) AS name,
      concat(toString(operation), ' ', resource, if(destination != '', concat(' -> ', destination), '')) AS detail,
      toString(data_class) AS level, toString(outcome) AS result, toString(event_id) AS id
    FROM agent_actions
    WHERE session_id = ${SESSION} AND $__timeFilter(ts)
    UNION ALL
    SELECT ts AS time, 'finding' AS kind, toString(rule_id) AS name, message AS detail,
      toString(severity) AS level, toString(detector) AS result, finding_id AS id
    FROM findings
    WHERE session_id = ${SESSION} AND $__timeFilter(ts)
    UNION ALL
    SELECT ts AS time, 'signal' AS kind, concat('score ', toString(round(score, 1))) AS name,
      arrayStringConcat(reason_rule_ids, ', ') AS detail,
      toString(level) AS level, toString(decision) AS result, toString(seq) AS id
    FROM risk_signals
    WHERE session_id = ${SESSION} AND $__timeFilter(ts)
    UNION ALL
    SELECT ts AS time, concat('decision:', toString(kind)) AS kind, ifNull(toString(tool), '') AS name,
      concat('score ', toString(round(score, 1)), ', would be ', toString(decision),
        if(shadow = 1, ', shadow', ''), if(stale IS NULL, '', concat(', stale view: ', toString(stale)))) AS detail,
      toString(level) AS level, toString(enforced) AS result, decision_id AS id
    FROM decisions
    WHERE session_id = ${SESSION} AND $__timeFilter(ts)
  )
  ORDER BY time, kind, id
  LIMIT 2000`;

const FINDINGS_SQL = `
  SELECT ts AS time, session_id, trace_id, agent_type, detector, rule_id, severity,
    round(confidence, 2) AS confidence, message, arrayStringConcat(evidence_event_ids, ', ') AS evidence
  FROM findings
  WHERE $__timeFilter(ts)
    AND (${sqlVar('rule')} = '${ALL}' OR rule_id = ${sqlVar('rule')})
    AND indexOf(${LEVELS_ARRAY}, severity) >= indexOf(${LEVELS_ARRAY}, ${sqlVar('level')})
  ORDER BY time DESC, rule_id
  LIMIT 500`;

export function investigationDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: INVESTIGATION_UID,
    title: 'Chainwatch / Investigation',
    description:
      'One session in depth: its risk over time, everything it did and everything Chainwatch said about it, and the delegation tree of its trace. Below, a findings search across all sessions.',
    tags: ['chainwatch'],
    time: { from: 'now-24h', to: 'now' },
    refresh: '',
    variables,
    rows: [
      sessionStats(),
      [
        timeSeries({
          title: 'Risk score of $session_id',
          description: 'Every risk signal published for the session: score 0-100 with the level bands of the default policy.',
          w: 10,
          h: 10,
          style: 'lines',
          targets: [
            sqlTarget(
              'A',
              `
              SELECT ts AS time, score
              FROM risk_signals
              WHERE session_id = ${SESSION} AND $__timeFilter(ts)
              ORDER BY ts, seq`,
              'timeseries',
            ),
          ],
          defaults: {
            unit: 'none',
            min: 0,
            max: 100,
            thresholds: RISK_SCORE_STEPS,
          },
          steps: true,
        }),
        nodeGraphPanel({
          title: 'Delegation graph of the trace',
          description:
            'Sessions of the trace (nodes: agent type, agent id, latest score and level, arc coloured by level) and who delegated to whom (edges, from parent_session_id and delegation actions).',
          w: 14,
          h: 10,
          nodes: sqlTarget('nodes', NODES_SQL),
          edges: sqlTarget('edges', EDGES_SQL),
          overrides: ARC_COLORS,
        }),
      ],
      [
        tablePanel({
          title: 'Session timeline',
          description:
            'Actions, findings, risk signals and decision-log records of the session in time order. level: data class (actions), severity (findings) or risk level (signals, decisions); result: outcome, detector, recommended or enforced decision.',
          w: 24,
          h: 12,
          targets: [sqlTarget('A', TIMELINE_SQL)],
          overrides: [
            levelColumn('level'),
            decisionColumn('result'),
            widthColumn('detail', 520),
          ],
        }),
      ],
      [
        tablePanel({
          title: 'Findings search (all sessions)',
          description: 'Findings in the time range across all sessions, filtered by the Rule and Min severity variables, newest first. Click a session to investigate it.',
          w: 24,
          h: 10,
          targets: [sqlTarget('A', FINDINGS_SQL)],
          overrides: [
            linkColumn('session_id', [investigateSessionLink()]),
            levelColumn('severity'),
            unitColumn('confidence', 'percentunit'),
          ],
        }),
      ],
    ],
  });
}
