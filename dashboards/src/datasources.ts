/**
 * The datasources the dashboards ask for when imported: Grafana's import dialog lists each
 * `__inputs` entry and substitutes the chosen datasource for its `${DS_...}` references, so the
 * JSON imports into any Grafana without editing. The provisioned copies (infra/grafana) bind
 * the same references to the uids of the provisioned datasources instead.
 */
import type * as common from '@grafana/grafana-foundation-sdk/common';

export interface DatasourceInput {
  /** `__inputs[].name`; panels reference `${name}`. */
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly pluginId: string;
  readonly pluginName: string;
  /** Oldest plugin version the queries are written for (`__requires`). */
  readonly pluginVersion: string;
  /** uid of the datasource provisioned by infra/grafana/provisioning/datasources. */
  readonly provisionedUid: string;
}

export const CLICKHOUSE_INPUT: DatasourceInput = {
  name: 'DS_CHAINWATCH_CLICKHOUSE',
  label: 'Chainwatch ClickHouse',
  description: 'ClickHouse datasource (grafana-clickhouse-datasource) whose default database holds the Chainwatch tables',
  pluginId: 'grafana-clickhouse-datasource',
  pluginName: 'ClickHouse',
  pluginVersion: '4.0.0',
  provisionedUid: 'chainwatch-clickhouse',
};

export const PROMETHEUS_INPUT: DatasourceInput = {
  name: 'DS_PROMETHEUS',
  label: 'Prometheus',
  description: 'Prometheus that scrapes /metrics of the Chainwatch services',
  pluginId: 'prometheus',
  pluginName: 'Prometheus',
  pluginVersion: '1.0.0',
  provisionedUid: 'chainwatch-prometheus',
};

export const DATASOURCE_INPUTS: readonly DatasourceInput[] = [CLICKHOUSE_INPUT, PROMETHEUS_INPUT];

/** The reference panels, queries and variables carry. */
function datasourceRef(input: DatasourceInput): common.DataSourceRef {
  return { type: input.pluginId, uid: `\${${input.name}}` };
}

export const CLICKHOUSE_DATASOURCE = datasourceRef(CLICKHOUSE_INPUT);
export const PROMETHEUS_DATASOURCE = datasourceRef(PROMETHEUS_INPUT);
