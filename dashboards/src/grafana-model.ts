/**
 * The subset of Grafana's dashboard JSON model (schemaVersion 39, Grafana 11) that Chainwatch
 * dashboards use. Deliberately small: only what our builders emit, typed so a typo in a panel
 * option fails the typecheck instead of rendering "No data" in Grafana.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface DataSourceRef {
  readonly type: string;
  readonly uid: string;
}

/**
 * A query of the Grafana ClickHouse plugin (grafana-clickhouse-datasource v4) in SQL-editor mode.
 * `format` is the plugin's numeric enum: 0 time series (long frames are pivoted to wide),
 * 1 table.
 */
export interface ClickHouseTarget {
  readonly refId: string;
  readonly datasource: DataSourceRef;
  readonly editorType: 'sql';
  readonly queryType: 'timeseries' | 'table';
  readonly format: 0 | 1;
  readonly rawSql: string;
}

export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface DataLink {
  readonly title: string;
  readonly url: string;
  readonly targetBlank?: boolean;
}

export interface Threshold {
  readonly color: string;
  readonly value: number | null;
}

export interface FieldDefaults {
  readonly unit?: string;
  readonly decimals?: number;
  readonly min?: number;
  readonly max?: number;
  readonly displayName?: string;
  readonly color?: { readonly mode: string; readonly fixedColor?: string };
  readonly thresholds?: { readonly mode: 'absolute' | 'percentage'; readonly steps: readonly Threshold[] };
  readonly mappings?: readonly JsonObject[];
  readonly links?: readonly DataLink[];
  readonly custom?: JsonObject;
}

export interface FieldOverride {
  readonly matcher: { readonly id: 'byName' | 'byRegexp' | 'byFrameRefID'; readonly options: string };
  readonly properties: readonly { readonly id: string; readonly value: JsonValue }[];
}

export interface FieldConfig {
  readonly defaults: FieldDefaults;
  readonly overrides: readonly FieldOverride[];
}

export type PanelType = 'timeseries' | 'table' | 'stat' | 'bargauge' | 'nodeGraph';

export interface Panel {
  readonly id: number;
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: DataSourceRef;
  readonly targets: readonly ClickHouseTarget[];
  readonly fieldConfig: FieldConfig;
  readonly options: JsonObject;
  readonly transformations?: readonly JsonObject[];
}

export interface VariableOption {
  readonly text: string;
  readonly value: string;
  readonly selected: boolean;
}

interface VariableBase {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** 0 shown, 2 hidden. */
  readonly hide: 0 | 2;
  readonly current: { readonly text: string; readonly value: string };
}

export interface QueryVariable extends VariableBase {
  readonly type: 'query';
  readonly datasource: DataSourceRef;
  /** The ClickHouse plugin accepts a plain SQL string as a variable query. */
  readonly query: string;
  readonly definition: string;
  /** 1 on dashboard load, 2 on time range change. */
  readonly refresh: 1 | 2;
  /** 0: keep the order the query returns. */
  readonly sort: 0;
  readonly multi: false;
  readonly includeAll: boolean;
  readonly allValue?: string;
  readonly options: readonly VariableOption[];
}

export interface CustomVariable extends VariableBase {
  readonly type: 'custom';
  /** Comma-separated values. */
  readonly query: string;
  readonly multi: false;
  readonly includeAll: false;
  readonly options: readonly VariableOption[];
}

export type Variable = QueryVariable | CustomVariable;

export interface DashboardLinkModel {
  readonly title: string;
  readonly type: 'dashboards';
  readonly tags: readonly string[];
  readonly asDropdown: boolean;
  readonly includeVars: boolean;
  readonly keepTime: boolean;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: 'utc' | 'browser';
  readonly editable: boolean;
  /** 1: shared crosshair. */
  readonly graphTooltip: 0 | 1 | 2;
  readonly schemaVersion: number;
  readonly version: number;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timepicker: JsonObject;
  readonly templating: { readonly list: readonly Variable[] };
  readonly annotations: { readonly list: readonly JsonObject[] };
  readonly links: readonly DashboardLinkModel[];
  readonly panels: readonly Panel[];
}
