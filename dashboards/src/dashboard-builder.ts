import type { Dashboard, Panel, Variable } from './grafana-model';
import type { PanelSpec } from './panel-builders';

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
/** Dashboard JSON schema version of Grafana 11.x. */
export const SCHEMA_VERSION = 39;

export interface DashboardInput {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly time?: { readonly from: string; readonly to: string };
  readonly refresh?: string;
  readonly variables?: readonly Variable[];
  /** Panels row by row; each row's widths must add up to at most 24. */
  readonly rows: readonly (readonly PanelSpec[])[];
}

/**
 * Lays panels out row by row (left to right, each row as tall as its tallest panel) and numbers
 * them 1..n in reading order, so ids are unique and stable across regenerations.
 */
export function buildDashboard(input: DashboardInput): Dashboard {
  if (!/^[a-z0-9-]{1,40}$/.test(input.uid)) throw new Error(`dashboard uid ${JSON.stringify(input.uid)} must be [a-z0-9-]{1,40}`);
  const panels: Panel[] = [];
  let y = 0;
  for (const [rowIndex, row] of input.rows.entries()) {
    const width = row.reduce((sum, p) => sum + p.w, 0);
    if (width > GRID_COLUMNS) throw new Error(`${input.uid}: row ${rowIndex + 1} is ${width} columns wide (max ${GRID_COLUMNS})`);
    let x = 0;
    for (const spec of row) {
      const { w, h, ...rest } = spec;
      panels.push({ ...rest, id: panels.length + 1, gridPos: { x, y, w, h } });
      x += w;
    }
    y += Math.max(0, ...row.map((p) => p.h));
  }
  return {
    uid: input.uid,
    title: input.title,
    description: input.description,
    tags: input.tags,
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: input.refresh ?? '30s',
    time: input.time ?? { from: 'now-6h', to: 'now' },
    timepicker: { refresh_intervals: ['10s', '30s', '1m', '5m', '15m'] },
    templating: { list: input.variables ?? [] },
    annotations: { list: [] },
    links: [
      { title: 'Chainwatch', type: 'dashboards', tags: ['chainwatch'], asDropdown: true, includeVars: false, keepTime: true },
    ],
    panels,
  };
}
