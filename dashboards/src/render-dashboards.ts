/**
 * The exact bytes of dashboards/generated/: every dashboard twice,
 *
 * - `<uid>.json` for *Dashboards → Import* in any Grafana: `__inputs` names the datasources it
 *   needs and every datasource reference is `${DS_...}`, so the import dialog asks which
 *   datasource to use and nothing needs editing;
 * - `provisioning/<uid>.json` for file provisioning (infra/grafana, docker compose), where Grafana
 *   does not substitute inputs: the references are bound to the provisioned datasources' uids.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_INPUTS, type DatasourceInput } from './datasources';
import { investigationDashboard } from './investigation';
import { overviewDashboard } from './overview';
import { pipelineDashboard } from './pipeline';
import { serviceDashboard } from './service';
import { stableJson } from './stable-json';

/** Grafana the dashboards are written for (`__requires`): foundation SDK 0.0.21 emits dashboard schema 42 (Grafana 12). */
export const GRAFANA_VERSION = '12.1.0';

/** Every Chainwatch dashboard, in menu order. */
export function allDashboards(): dashboard.Dashboard[] {
  return [overviewDashboard(), investigationDashboard(), pipelineDashboard(), serviceDashboard()];
}

export interface RenderedDashboard {
  /** Relative to dashboards/generated: `<uid>.json` or `provisioning/<uid>.json`. */
  readonly file: string;
  readonly json: string;
}

/** The datasource inputs a dashboard references. */
export function inputsOf(d: dashboard.Dashboard): DatasourceInput[] {
  const text = JSON.stringify(d);
  return DATASOURCE_INPUTS.filter((i) => text.includes(`\${${i.name}}`));
}

/** The importable form: `__inputs` and `__requires` first, as Grafana's "Export for sharing externally" writes them. */
export function importable(d: dashboard.Dashboard): Record<string, unknown> {
  const inputs = inputsOf(d);
  const panelTypes = [...new Set((d.panels ?? []).map((p) => p.type))].sort();
  return {
    __inputs: inputs.map((i) => ({ name: i.name, label: i.label, description: i.description, type: 'datasource', pluginId: i.pluginId, pluginName: i.pluginName })),
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION },
      ...inputs.map((i) => ({ type: 'datasource', id: i.pluginId, name: i.pluginName, version: i.pluginVersion })),
      ...panelTypes.map((t) => ({ type: 'panel', id: t, name: t, version: '' })),
    ],
    ...d,
    id: null,
  };
}

/** The provisioning form: every `${DS_...}` reference bound to its provisioned datasource uid. */
export function provisioned(d: dashboard.Dashboard): Record<string, unknown> {
  let text = JSON.stringify({ ...d, id: null });
  for (const i of DATASOURCE_INPUTS) text = text.replaceAll(`\${${i.name}}`, i.provisionedUid);
  return JSON.parse(text) as Record<string, unknown>;
}

export function renderDashboards(dashboards: readonly dashboard.Dashboard[] = allDashboards()): RenderedDashboard[] {
  const seen = new Set<string>();
  const out: RenderedDashboard[] = [];
  for (const d of dashboards) {
    const uid = d.uid ?? '';
    if (seen.has(uid)) throw new Error(`two dashboards share uid ${uid}`);
    seen.add(uid);
    out.push({ file: `${uid}.json`, json: stableJson(importable(d), ['__inputs', '__requires']) });
    out.push({ file: `provisioning/${uid}.json`, json: stableJson(provisioned(d)) });
  }
  return out;
}
