/**
 * The panel kinds the dashboards use, as foundation-SDK panel builders in one house style
 * (legends as tables, tooltips for all series, tables filterable, stats without sparklines).
 * Each returns the builder and its grid size; `buildDashboard` lays them out row by row.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CLICKHOUSE_DATASOURCE } from './datasources';
import type { FieldOverride } from './field-overrides';

export interface PanelSpec {
  readonly w: number;
  readonly h: number;
  readonly builder: cog.Builder<dashboard.Panel>;
}

/** Field defaults every panel kind takes. */
export interface FieldDefaults {
  readonly unit?: string;
  readonly decimals?: number;
  readonly min?: number;
  readonly max?: number;
  /** Absolute thresholds, first step `value: null`. */
  readonly thresholds?: dashboard.Threshold[];
  readonly displayName?: string;
  readonly mappings?: dashboard.ValueMapping[];
  /** A fixed colour (e.g. 'text' for stats showing a mapped value). */
  readonly fixedColor?: string;
}

interface CommonInput {
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
  readonly targets: readonly cog.Builder<cog.Dataquery>[];
  /** Default: the Chainwatch ClickHouse datasource. */
  readonly datasource?: common.DataSourceRef;
  readonly defaults?: FieldDefaults;
  readonly overrides?: readonly FieldOverride[];
}

/** What the SDK's panel builders have in common, to apply the shared settings once. */
interface SharedPanelBuilder<B> extends cog.Builder<dashboard.Panel> {
  title(title: string): B;
  description(description: string): B;
  datasource(datasource: common.DataSourceRef): B;
  targets(targets: cog.Builder<cog.Dataquery>[]): B;
  span(w: number): B;
  height(h: number): B;
  unit(unit: string): B;
  decimals(decimals: number): B;
  min(min: number): B;
  max(max: number): B;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): B;
  displayName(displayName: string): B;
  mappings(mappings: dashboard.ValueMapping[]): B;
  colorScheme(color: cog.Builder<dashboard.FieldColor>): B;
  overrideByName(name: string, properties: dashboard.DynamicConfigValue[]): B;
}

function shared<B extends SharedPanelBuilder<B>>(builder: B, input: CommonInput, baseThreshold = 'green'): PanelSpec {
  if (input.targets.length === 0) throw new Error(`panel "${input.title}" has no query`);
  const d = input.defaults ?? {};
  builder
    .title(input.title)
    .description(input.description)
    .datasource(input.datasource ?? CLICKHOUSE_DATASOURCE)
    .targets([...input.targets])
    .span(input.w)
    .height(input.h)
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(d.thresholds ?? [{ color: baseThreshold, value: null }]));
  if (d.unit !== undefined) builder.unit(d.unit);
  if (d.decimals !== undefined) builder.decimals(d.decimals);
  if (d.min !== undefined) builder.min(d.min);
  if (d.max !== undefined) builder.max(d.max);
  if (d.displayName !== undefined) builder.displayName(d.displayName);
  if (d.mappings !== undefined) builder.mappings(d.mappings);
  if (d.fixedColor !== undefined) builder.colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor(d.fixedColor));
  for (const o of input.overrides ?? []) builder.overrideByName(o.field, o.properties);
  return { w: input.w, h: input.h, builder };
}

const tableLegend = () =>
  new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Right).showLegend(true).calcs(['sum', 'max']);
const allSeriesTooltip = () => new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

export interface TimeSeriesInput extends CommonInput {
  /** Stacked bars for counts per interval, lines for rates and latencies. */
  readonly style: 'bars' | 'lines';
  /** A step line with the thresholds drawn as areas (the risk score). */
  readonly steps?: boolean;
}

export function timeSeries(input: TimeSeriesInput): PanelSpec {
  const bars = input.style === 'bars';
  const b = new timeseries.PanelBuilder()
    .legend(tableLegend())
    .tooltip(allSeriesTooltip())
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .drawStyle(bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(bars ? 80 : 10)
    .stacking(new common.StackingConfigBuilder().mode(bars ? common.StackingMode.Normal : common.StackingMode.None).group('A'))
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .axisSoftMin(0);
  if (input.steps) {
    b.lineInterpolation(common.LineInterpolation.StepAfter)
      .fillOpacity(0)
      .showPoints(common.VisibilityMode.Always)
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area));
  }
  return shared(b, input);
}

export interface TableInput extends CommonInput {
  readonly sortBy?: { readonly displayName: string; readonly desc: boolean };
}

export function tablePanel(input: TableInput): PanelSpec {
  const b = new table.PanelBuilder()
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .footer(new common.TableFooterOptionsBuilder().show(false).reducer(['sum']).countRows(false))
    .align(common.FieldTextAlignment.Auto)
    .filterable(true)
    .cellOptions({ type: common.TableCellDisplayMode.Auto });
  if (input.sortBy) b.sortBy([new common.TableSortByFieldStateBuilder().displayName(input.sortBy.displayName).desc(input.sortBy.desc)]);
  return shared(b, input);
}

export interface StatInput extends CommonInput {
  /** The value is text (a level, a decision): Grafana's stat shows numeric fields only by default. */
  readonly text?: boolean;
  /** Colour of the value when no threshold applies. */
  readonly color?: string;
}

export function statPanel(input: StatInput): PanelSpec {
  const b = new stat.PanelBuilder()
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields(input.text ? '/.*/' : '').values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto)
    .textMode(common.BigValueTextMode.Value)
    .wideLayout(true)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds));
  return shared(b, input, input.color ?? 'green');
}

export function barGaugePanel(input: CommonInput): PanelSpec {
  const b = new bargauge.PanelBuilder()
    // One bar per row of the result (e.g. per tool), not one per column.
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([]).fields('').values(true))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .showUnfilled(true)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Auto)
    .sizing(common.BarGaugeSizing.Auto)
    .minVizHeight(16)
    .maxVizHeight(300)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.ContinuousBlYlRd))
    .min(0);
  return shared(b, input);
}

export interface NodeGraphInput extends Omit<CommonInput, 'targets'> {
  /** Rows with id, title, subTitle, mainStat, secondaryStat (+ optional arc__*, detail__*). */
  readonly nodes: cog.Builder<cog.Dataquery>;
  /** Rows with id, source, target. Grafana recognises the edges frame by its `source` field. */
  readonly edges: cog.Builder<cog.Dataquery>;
}

export function nodeGraphPanel(input: NodeGraphInput): PanelSpec {
  const b = new nodegraph.PanelBuilder()
    .nodes(new nodegraph.NodeOptionsBuilder().mainStatUnit('none').secondaryStatUnit('none'))
    .edges(new nodegraph.EdgeOptionsBuilder());
  return shared(b, { ...input, targets: [input.nodes, input.edges] });
}
