import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from '@chainwatch/schemas';

const MODES = ['enforce', 'shadow', 'stale_fail_open', 'stale_fail_closed', 'approval'] as const;
export type DecisionMode = (typeof MODES)[number];
const DECISIONS = ['allow', 'step_up', 'deny'] as const satisfies readonly Decision[];
const DECISION_INDEX: Record<Decision, number> = { allow: 0, step_up: 1, deny: 2 };
const MODE_INDEX: Record<DecisionMode, number> = { enforce: 0, shadow: 1, stale_fail_open: 2, stale_fail_closed: 3, approval: 4 };

/** The decision API's Prometheus metrics, on a registry of its own (one per app instance). */
export class DecisionApiMetrics {
  readonly registry = new Registry();
  readonly decisions: Counter<'decision' | 'enforced' | 'mode'>;
  readonly latency: Histogram;
  readonly viewAge: Gauge;
  readonly viewReady: Gauge;
  readonly events: Counter<'result'>;
  readonly approvals: Counter<'answer'>;
  readonly decisionLogDropped: Counter;

  /** Label children by (decision, enforced, mode) index: the hot path builds no key and hashes no labels. */
  private readonly decisionChildren: ({ inc(): void } | undefined)[] = [];

  /** Count one decision. */
  countDecision(decision: Decision, enforced: Decision, mode: DecisionMode): void {
    const at = (DECISION_INDEX[decision] * DECISIONS.length + DECISION_INDEX[enforced]) * MODES.length + MODE_INDEX[mode];
    let child = this.decisionChildren[at];
    if (child === undefined) {
      child = this.decisions.labels({ decision, enforced, mode });
      this.decisionChildren[at] = child;
    }
    child.inc();
  }

  constructor(viewAgeMs: () => number | null, viewReady: () => boolean, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.decisions = new Counter({
      name: 'chainwatch_decisions_total',
      help: 'Decisions answered, by would-be decision, enforced decision and mode',
      labelNames: ['decision', 'enforced', 'mode'],
      registers,
    });
    this.latency = new Histogram({
      name: 'chainwatch_decision_duration_seconds',
      help: 'Time to compute a decision (validation excluded), seconds',
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    });
    this.viewAge = new Gauge({
      name: 'chainwatch_decision_view_age_seconds',
      help: 'Time since the live risk view was last confirmed current (-1 when never)',
      registers,
      collect() {
        const age = viewAgeMs();
        this.set(age === null ? -1 : age / 1000);
      },
    });
    this.viewReady = new Gauge({
      name: 'chainwatch_decision_view_ready',
      help: '1 once the live risk view caught up with the signal stream',
      registers,
      collect() {
        this.set(viewReady() ? 1 : 0);
      },
    });
    this.events = new Counter({
      name: 'chainwatch_ingested_events_total',
      help: 'NDJSON lines received on /v1/events, by result',
      labelNames: ['result'],
      registers,
    });
    this.approvals = new Counter({
      name: 'chainwatch_approvals_total',
      help: 'Approval answers, by answer',
      labelNames: ['answer'],
      registers,
    });
    this.decisionLogDropped = new Counter({
      name: 'chainwatch_decision_log_dropped_total',
      help: 'Decision-log records dropped because the publisher stayed unavailable',
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
