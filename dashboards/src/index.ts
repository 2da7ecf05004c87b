export { allDashboards, renderDashboards, type RenderedDashboard } from './render-dashboards';
export { overviewDashboard } from './overview';
export { investigationDashboard } from './investigation';
export { pipelineDashboard } from './pipeline';
export { CLICKHOUSE_DATASOURCE, sqlTarget, sqlVar } from './clickhouse-datasource';
export { stableJson } from './stable-json';
export type * from './grafana-model';
