/**
 * Decisions from the detection core inside the proxy: the decision API's own DecisionService (same
 * bindings, approvals, fail modes and shadow mode as POST /v1/decisions) over an engine that this
 * proxy alone feeds with the events it reports. Nothing leaves the process: the decision log and
 * binding states go to a publisher that drops them.
 */
import { randomUUID } from 'node:crypto';
import { createDetectionEngine, type DetectionEngine, type ToolCatalog } from '@chainwatch/core';
import { ApprovalLog, BindingStore, DecisionApiMetrics, DecisionLog, DecisionService, DEFAULT_OPTIONS, InProcessView } from '@chainwatch/decision-api';
import type { RecordPublisher } from '@chainwatch/kafka';
import type { Logger } from '@chainwatch/runtime';
import { AgentActionEvent, type AgentActionEventInput, type DecisionRequest, type DecisionResponse } from '@chainwatch/schemas';
import type { Decider } from './decider';

const DISCARD: RecordPublisher = { publish: async () => {} };

/** In process there is no decision log to keep: records are not even built into JSON. */
class NoDecisionLog extends DecisionLog {
  override append(): void {}
}

export interface InProcessDeciderOptions {
  readonly engine?: DetectionEngine;
  /** Policy files (catalog, scoring, rules) when no engine is given. */
  readonly policy?: Parameters<typeof createDetectionEngine>[0];
  readonly logger: Logger;
  /** Invalid events (a bug in the proxy): counted and logged with their first issue, never thrown at the caller. */
  readonly onInvalidEvent?: (issue: string) => void;
}

export class InProcessDecider implements Decider {
  readonly mode = 'in-process' as const;
  readonly engine: DetectionEngine;
  private readonly service: DecisionService;
  private readonly logs: { decisions: DecisionLog; approvals: ApprovalLog };

  constructor(private readonly options: InProcessDeciderOptions) {
    if (options.engine) this.engine = options.engine;
    else if (options.policy) this.engine = createDetectionEngine(options.policy);
    else throw new Error('InProcessDecider needs an engine or policy files');
    // The engine sees every event as this proxy reports it: always current.
    const view = new InProcessView(this.engine, { caughtUp: () => true });
    const metrics = new DecisionApiMetrics(() => 0, () => true);
    this.logs = { decisions: new NoDecisionLog(DISCARD, { logger: options.logger }), approvals: new ApprovalLog(DISCARD, { logger: options.logger }) };
    this.service = new DecisionService(
      view,
      new BindingStore({ ttlMs: DEFAULT_OPTIONS.approvalTtlMs, maxEntries: DEFAULT_OPTIONS.approvalMaxPending }),
      { staleMs: DEFAULT_OPTIONS.staleMs, failModeSensitive: DEFAULT_OPTIONS.failModeSensitive, failModeOther: DEFAULT_OPTIONS.failModeOther, shadow: false },
      this.logs.decisions,
      metrics,
      this.logs.approvals,
      randomUUID(),
    );
  }

  get catalog(): ToolCatalog | undefined {
    return this.options.policy?.catalog;
  }

  async decide(request: DecisionRequest): Promise<DecisionResponse> {
    // The body text only feeds the decision log's input digest; with no log, an empty one spares digesting the request.
    return this.service.decide(request, 'mcp-proxy', Date.now(), '');
  }

  async answer(binding: string, approve: boolean, approver: string): Promise<void> {
    await this.service.answer(binding, approve, approver, Date.now());
  }

  report(event: AgentActionEventInput): void {
    const parsed = AgentActionEvent.safeParse(event);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      this.options.onInvalidEvent?.(first ? `${first.path.join('.')}: ${first.message}` : 'invalid');
      return;
    }
    this.engine.observe(parsed.data);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([this.logs.decisions.close(), this.logs.approvals.close()]);
  }
}
