/**
 * The Services dashboard reads Prometheus: every metric its queries name must be one the services
 * really export, with the labels the queries group by. The registry here is built exactly as
 * `chainwatch start` builds its /metrics: the decision API's (with the process metrics), the
 * processor's and the trace writer's on one registry, plus the webhook's.
 */
import { describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { DecisionApiMetrics } from '@chainwatch/decision-api';
import { createProcessorMetrics } from '@chainwatch/session-processor';
import { TraceWriterMetrics } from '@chainwatch/trace-writer';
import { WebhookNotifier } from '@chainwatch/cli';
import { PROMETHEUS_DATASOURCE } from '../src/datasources';
import { SERVICE_METRIC_QUERIES, serviceDashboard } from '../src/service';

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['instance', 'job']);

function exportedMetrics(): Registry {
  const api = new DecisionApiMetrics(() => 0, () => true, { defaultMetrics: true });
  createProcessorMetrics(api.registry);
  new TraceWriterMetrics(api.registry);
  new WebhookNotifier({ url: 'http://127.0.0.1:1/hook', minLevel: 'high', registry: api.registry });
  return api.registry;
}

describe('Services dashboard (Prometheus)', () => {
  const d = serviceDashboard();

  it('reads Prometheus in every panel and query', () => {
    for (const p of d.panels ?? []) {
      expect((p as { datasource?: unknown }).datasource, p.title).toEqual(PROMETHEUS_DATASOURCE);
      for (const t of (p as { targets?: { datasource?: unknown; expr?: string }[] }).targets ?? []) {
        expect(t.datasource).toEqual(PROMETHEUS_DATASOURCE);
        expect(t.expr).toMatch(/\w/);
      }
    }
    expect(Object.keys(SERVICE_METRIC_QUERIES).length).toBe(d.panels?.length);
  });

  it('names only metrics the services export, grouped by labels they carry', async () => {
    const registry = exportedMetrics();
    const families = new Map((await registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const problems: string[] = [];
    for (const [panel, exprs] of Object.entries(SERVICE_METRIC_QUERIES)) {
      for (const expr of exprs) {
        const names = [...expr.matchAll(/\b((?:chainwatch|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
        expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
        for (const raw of names) {
          const name = families.has(raw) ? raw : raw.replace(/_(bucket|sum|count)$/, '');
          const type = families.get(name);
          if (!type) {
            problems.push(`${panel}: ${raw} is not exported`);
            continue;
          }
          if (raw !== name && type !== 'histogram') problems.push(`${panel}: ${raw} on a ${type}`);
          const metric = registry.getSingleMetric(name) as unknown as { labelNames?: string[] };
          const labels = new Set([...(metric.labelNames ?? []), ...TARGET_LABELS, ...(type === 'histogram' ? ['le'] : [])]);
          for (const by of expr.matchAll(/\bby \(([^)]*)\)/g)) {
            for (const label of by[1]!.split(',').map((l) => l.trim())) if (!labels.has(label)) problems.push(`${panel}: ${name} has no label ${label}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('would notice a metric that does not exist', async () => {
    const families = new Set((await exportedMetrics().getMetricsAsJSON()).map((m) => m.name));
    expect(families.has('chainwatch_decisions_total')).toBe(true);
    expect(families.has('chainwatch_decisions_totl')).toBe(false);
  });
});
