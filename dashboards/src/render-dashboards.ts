import type { Dashboard } from './grafana-model';
import { investigationDashboard } from './investigation';
import { overviewDashboard } from './overview';
import { pipelineDashboard } from './pipeline';
import { stableJson } from './stable-json';

/** Every Chainwatch dashboard, in menu order. */
export function allDashboards(): Dashboard[] {
  return [overviewDashboard(), investigationDashboard(), pipelineDashboard()];
}

export interface RenderedDashboard {
  /** `<uid>.json`, relative to dashboards/generated. */
  readonly file: string;
  readonly json: string;
}

/** The exact bytes of dashboards/generated/*.json. */
export function renderDashboards(dashboards: readonly Dashboard[] = allDashboards()): RenderedDashboard[] {
  const seen = new Set<string>();
  return dashboards.map((d) => {
    if (seen.has(d.uid)) throw new Error(`two dashboards share uid ${d.uid}`);
    seen.add(d.uid);
    return { file: `${d.uid}.json`, json: stableJson(d) };
  });
}
