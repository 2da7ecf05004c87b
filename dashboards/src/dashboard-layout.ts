import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelSpec } from './panel-builders';

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

export interface DashboardInput {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly time?: { readonly from: string; readonly to: string };
  readonly refresh?: string;
  readonly variables?: readonly cog.Builder<dashboard.VariableModel>[];
  /** Panels row by row; each row fills the 24 columns exactly (the SDK lays panels out left to right). */
  readonly rows: readonly (readonly PanelSpec[])[];
}

/**
 * A dashboard from rows of panels: the SDK's DashboardBuilder places them left to right, starting
 * a new row when 24 columns are used; panels are numbered 1..n in reading order, so ids are
 * unique and stable across regenerations.
 */
export function buildDashboard(input: DashboardInput): dashboard.Dashboard {
  if (!/^[a-z0-9-]{1,40}$/.test(input.uid)) throw new Error(`dashboard uid ${JSON.stringify(input.uid)} must be [a-z0-9-]{1,40}`);
  const builder = new dashboard.DashboardBuilder(input.title)
    .uid(input.uid)
    .description(input.description)
    .tags([...input.tags])
    .timezone('utc')
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh(input.refresh ?? '30s')
    .time(input.time ?? { from: 'now-6h', to: 'now' })
    .timepicker(new dashboard.TimePickerBuilder().refreshIntervals(['10s', '30s', '1m', '5m', '15m']))
    .link(new dashboard.DashboardLinkBuilder('Chainwatch').type(dashboard.DashboardLinkType.Dashboards).tags(['chainwatch']).asDropdown(true).includeVars(false).keepTime(true));
  for (const v of input.variables ?? []) builder.withVariable(v);
  for (const [index, row] of input.rows.entries()) {
    const width = row.reduce((sum, p) => sum + p.w, 0);
    if (width !== GRID_COLUMNS) throw new Error(`${input.uid}: row ${index + 1} is ${width} columns wide (must be ${GRID_COLUMNS})`);
    for (const spec of row) builder.withPanel(spec.builder);
  }
  const built = builder.build();
  let id = 0;
  for (const panel of built.panels ?? []) panel.id = ++id;
  return built;
}
