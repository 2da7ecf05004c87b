import { CLICKHOUSE_DATASOURCE } from './clickhouse-datasource';
import type { ClickHouseTarget, FieldDefaults, FieldOverride, JsonObject, Panel, Threshold } from './grafana-model';

/** A panel before layout: the dashboard builder assigns `id` and `gridPos`. */
export type PanelSpec = Omit<Panel, 'id' | 'gridPos'> & { readonly w: number; readonly h: number };

interface CommonInput {
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
  readonly targets: readonly ClickHouseTarget[];
  readonly defaults?: FieldDefaults;
  readonly overrides?: readonly FieldOverride[];
}

const BASE_THRESHOLDS: { mode: 'absolute'; steps: readonly Threshold[] } = {
  mode: 'absolute',
  steps: [{ color: 'green', value: null }],
};

function panel(type: Panel['type'], input: CommonInput, options: JsonObject, defaults: FieldDefaults = {}): PanelSpec {
  if (input.targets.length === 0) throw new Error(`panel "${input.title}" has no query`);
  return {
    type,
    title: input.title,
    description: input.description,
    w: input.w,
    h: input.h,
    datasource: CLICKHOUSE_DATASOURCE,
    targets: input.targets,
    fieldConfig: {
      defaults: { thresholds: BASE_THRESHOLDS, ...defaults, ...input.defaults },
      overrides: input.overrides ?? [],
    },
    options,
  };
}

const LEGEND_TABLE: JsonObject = { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['sum', 'max'] };
const TOOLTIP_ALL: JsonObject = { mode: 'multi', sort: 'desc' };

export interface TimeSeriesInput extends CommonInput {
  /** Stacked bars for counts per interval, lines for rates and latencies. */
  readonly style: 'bars' | 'lines';
}

export function timeSeries(input: TimeSeriesInput): PanelSpec {
  const bars = input.style === 'bars';
  return panel(
    'timeseries',
    input,
    { legend: LEGEND_TABLE, tooltip: TOOLTIP_ALL },
    {
      color: { mode: 'palette-classic' },
      custom: {
        drawStyle: bars ? 'bars' : 'line',
        lineWidth: 1,
        fillOpacity: bars ? 80 : 10,
        stacking: { mode: bars ? 'normal' : 'none', group: 'A' },
        showPoints: 'never',
        spanNulls: false,
        axisSoftMin: 0,
      },
    },
  );
}

export interface TableInput extends CommonInput {
  readonly sortBy?: { readonly displayName: string; readonly desc: boolean };
}

export function table(input: TableInput): PanelSpec {
  return panel(
    'table',
    input,
    {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], countRows: false },
      sortBy: input.sortBy ? [input.sortBy] : [],
    },
    { custom: { align: 'auto', filterable: true, cellOptions: { type: 'auto' } } },
  );
}

export interface StatInput extends CommonInput {
  readonly colorMode?: 'value' | 'background' | 'none';
  /** The value is text (a level, a decision): Grafana's stat shows numeric fields only by default. */
  readonly text?: boolean;
}

export function stat(input: StatInput): PanelSpec {
  return panel(
    'stat',
    input,
    {
      reduceOptions: { calcs: ['lastNotNull'], fields: input.text ? '/.*/' : '', values: false },
      colorMode: input.colorMode ?? 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'value',
      wideLayout: true,
    },
    { color: { mode: 'thresholds' } },
  );
}

export function barGauge(input: CommonInput): PanelSpec {
  return panel(
    'bargauge',
    input,
    {
      // One bar per row of the result (e.g. per tool), not one per column.
      reduceOptions: { calcs: [], fields: '', values: true },
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizHeight: 16,
      maxVizHeight: 300,
    },
    { color: { mode: 'continuous-BlYlRd' }, min: 0 },
  );
}

export interface NodeGraphInput extends Omit<CommonInput, 'targets'> {
  /** Rows with id, title, subTitle, mainStat, secondaryStat (+ optional arc__*, detail__*). */
  readonly nodesSql: ClickHouseTarget;
  /** Rows with id, source, target. Grafana recognises the edges frame by its `source` field. */
  readonly edgesSql: ClickHouseTarget;
}

export function nodeGraph(input: NodeGraphInput): PanelSpec {
  return panel('nodeGraph', { ...input, targets: [input.nodesSql, input.edgesSql] }, {
    nodes: { mainStatUnit: 'none', secondaryStatUnit: 'none' },
    edges: {},
  });
}
