export { allDashboards, renderDashboards, importable, provisioned, inputsOf, GRAFANA_VERSION, type RenderedDashboard } from './render-dashboards';
export { overviewDashboard } from './overview';
export { investigationDashboard } from './investigation';
export { pipelineDashboard } from './pipeline';
export { serviceDashboard, SERVICE_METRIC_QUERIES } from './service';
export { sqlTarget, sqlVar, type ClickHouseQuery } from './clickhouse-datasource';
export { CLICKHOUSE_DATASOURCE, PROMETHEUS_DATASOURCE, DATASOURCE_INPUTS, CLICKHOUSE_INPUT, PROMETHEUS_INPUT, type DatasourceInput } from './datasources';
export { stableJson } from './stable-json';
