/**
 * The enforcement point's contract for one tools/call, independent of transports: ask before the
 * call (DecisionRequest), enforce the answer (allow → forward; deny → a tool error with the reasons;
 * step_up → ask the user through MCP elicitation, or answer with the approval binding), and report
 * after the fact (AgentActionEvent with the outcome and the result's entities, never its text).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ToolCatalog } from '@chainwatch/core';
import { resultEntitiesFromTexts } from '@chainwatch/core';
import type { Logger } from '@chainwatch/runtime';
import { ToolArgs, type Action, type AgentActionEventInput, type DecisionRequest, type DecisionResponse, type Outcome } from '@chainwatch/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DecisionUnavailable, type Decider } from './decider';
import { failModeDecision, isSensitiveCall } from './fail-mode';
import type { SessionIdentity } from './identity';
import type { ToolRegistry } from './tool-registry';

/** Key of the decision and approval details in a tool result's _meta. */
export const META_KEY = 'chainwatch.dev/decision';

export interface GateSettings {
  readonly failMode: { readonly sensitive: 'deny' | 'allow'; readonly other: 'deny' | 'allow' };
  readonly approvals: 'elicitation' | 'binding';
}

/** What the gate knows of the downstream session making the call. */
export interface CallContext {
  readonly sessionId: string;
  readonly traceId: string;
  readonly identity: SessionIdentity;
  /**
   * Asks the user to approve, when the client supports elicitation: true / false for an answer,
   * null when the user dismissed it or did not answer in time.
   */
  readonly elicit: ((message: string) => Promise<boolean | null>) | null;
}

export interface GateStats {
  allowed: number;
  denied: number;
  stepUp: number;
  approved: number;
  rejected: number;
  failOpen: number;
  failClosed: number;
  reported: number;
}

const MAX_PENDING_BINDINGS = 10_000;
/** Answered calls whose report is still to be made: past this many (a burst within one turn of the event loop), reported at once. */
const MAX_DEFERRED_REPORTS = 256;

/** An answered call's report, made once the answer is on its way. */
interface DeferredReport {
  readonly action: Action;
  readonly ctx: CallContext;
  readonly ts: number;
  readonly result: CallToolResult;
  readonly approved: boolean;
}

export class ToolCallGate {
  readonly stats: GateStats = { allowed: 0, denied: 0, stepUp: 0, approved: 0, rejected: 0, failOpen: 0, failClosed: 0, reported: 0 };
  /** Step-ups answered with a binding: the same call retried in the same session presents it. */
  private readonly bindings = new Map<string, string>();
  /**
   * Reports of allowed calls whose result went back to the client: made on the next turn of the event
   * loop (after the answer is written), before any later call is decided (the engine sees events in
   * order), before any other report, and at flush. Never dropped.
   */
  private deferred: DeferredReport[] = [];
  private drainScheduled = false;
  private readonly drainDeferred = (): void => {
    this.drainScheduled = false;
    const batch = this.deferred;
    if (batch.length === 0) return;
    this.deferred = [];
    for (const r of batch) {
      try {
        this.report(r.action, r.ctx, r.ts, 'allowed', r.result, r.approved);
      } catch (err) {
        // Off the call's path: a failing report is logged, and never takes the proxy down or the reports after it.
        this.logger.error({ err: err instanceof Error ? err.message : String(err), tool: r.action.tool }, 'event not reported');
      }
    }
  };

  constructor(
    private readonly decider: Decider,
    private readonly registry: ToolRegistry,
    private readonly catalog: ToolCatalog,
    private readonly settings: GateSettings,
    private readonly logger: Logger,
  ) {}

  async call(name: string, args: Record<string, unknown> | undefined, ctx: CallContext, forward: () => Promise<CallToolResult>): Promise<CallToolResult> {
    const started = Date.now();
    this.drainDeferred();
    const action = this.actionOf(name, args);
    // The call's digest only matches a retry to a pending step-up: with none pending, it is computed only on a step-up.
    const retryKey = this.bindings.size > 0 ? retryKeyOf(ctx, action) : null;
    const presented = retryKey !== null ? this.bindings.get(retryKey) : undefined;
    let decision = await this.decide(this.request(action, ctx, presented), action);
    let approvedNow = false;

    if (decision.decision === 'step_up' && decision.obligations.approval !== undefined) {
      const binding = decision.obligations.approval.binding;
      if (this.settings.approvals === 'elicitation' && ctx.elicit !== null) {
        const answer = await ctx.elicit(approvalPrompt(name, decision));
        if (answer !== null) {
          try {
            await this.decider.answer(binding, answer, `elicitation:${ctx.identity.principal.sub}`);
            if (answer) this.stats.approved++;
            else this.stats.rejected++;
            decision = await this.decide(this.request(action, ctx, binding), action);
            approvedNow = answer && decision.decision === 'allow';
          } catch (err) {
            this.logger.error({ err: err instanceof Error ? err.message : String(err), tool: name }, 'approval answer not recorded');
          }
        }
      }
    }

    if (decision.decision === 'allow') {
      this.stats.allowed++;
      if (retryKey !== null && presented !== undefined) this.bindings.delete(retryKey);
      return this.runAndReport(action, ctx, started, forward, approvedNow || presented !== undefined);
    }
    if (decision.decision === 'step_up') {
      this.stats.stepUp++;
      const binding = decision.obligations.approval?.binding;
      if (binding !== undefined) this.remember(retryKey ?? retryKeyOf(ctx, action), binding);
    } else {
      this.stats.denied++;
    }
    this.report(action, ctx, started, 'denied', undefined, false);
    return refusal(name, decision);
  }

  private actionOf(name: string, args: Record<string, unknown> | undefined): Action {
    const annotations = this.registry.get(name)?.annotations;
    const action: Action = { kind: 'tool_call', tool: name };
    if (args !== undefined) {
      // Arguments the contract cannot carry (too large) are represented by their digest only.
      if (ToolArgs.safeParse(args).success) action.args = args;
      else action.args_digest = `sha256:${createHash('sha256').update(JSON.stringify(args)).digest('hex')}`;
    }
    if (annotations !== undefined) action.annotations = annotations;
    return action;
  }

  private request(action: Action, ctx: CallContext, binding: string | undefined): DecisionRequest {
    const id = ctx.identity;
    return {
      session_id: ctx.sessionId,
      trace_id: ctx.traceId,
      parent_session_id: id.parentSessionId,
      agent: id.agent,
      principal: id.principal,
      task: id.task,
      action,
      ...(id.credential ? { credential: id.credential } : {}),
      context: { source: 'mcp-proxy' },
      ...(binding !== undefined ? { approval_binding: binding } : {}),
    };
  }

  private async decide(request: DecisionRequest, action: Action): Promise<DecisionResponse> {
    try {
      return await this.decider.decide(request);
    } catch (err) {
      const why = err instanceof DecisionUnavailable ? err.why : 'decision failed';
      const sensitive = isSensitiveCall(action, this.catalog);
      const mode = sensitive ? this.settings.failMode.sensitive : this.settings.failMode.other;
      if (mode === 'allow') this.stats.failOpen++;
      else this.stats.failClosed++;
      this.logger.warn({ tool: action.tool, why, sensitive, decision: mode }, 'decision service unavailable: fail mode applied');
      return failModeDecision(mode, why, sensitive);
    }
  }

  private async runAndReport(
    action: Action,
    ctx: CallContext,
    started: number,
    forward: () => Promise<CallToolResult>,
    approved: boolean,
  ): Promise<CallToolResult> {
    let result: CallToolResult;
    try {
      result = await forward();
    } catch (err) {
      this.report(action, ctx, started, 'error', undefined, approved);
      throw err;
    }
    this.deferred.push({ action, ctx, ts: started, result, approved });
    if (this.deferred.length >= MAX_DEFERRED_REPORTS) this.drainDeferred();
    else if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainDeferred);
    }
    return result;
  }

  /** Makes the reports still deferred (shutdown, tests): afterwards every answered call has been reported to the decider. */
  flushReports(): void {
    this.drainDeferred();
  }

  private report(action: Action, ctx: CallContext, ts: number, outcome: Outcome, result: CallToolResult | undefined, approved: boolean): void {
    if (outcome !== 'allowed') this.drainDeferred();
    const id = ctx.identity;
    const reported: Action = { ...action };
    if (result !== undefined) {
      const texts = resultTexts(result);
      let bytes = 0;
      for (const t of texts) bytes += Buffer.byteLength(t);
      const entities = resultEntitiesFromTexts(texts);
      if (entities !== undefined) reported.result_entities = entities;
      reported.result_bytes = bytes;
      if (result.isError === true) reported.result_error = true;
    } else if (outcome === 'error') {
      reported.result_error = true;
    }
    const event: AgentActionEventInput = {
      schema_version: 1,
      event_id: randomUUID(),
      ts,
      session_id: ctx.sessionId,
      trace_id: ctx.traceId,
      parent_session_id: id.parentSessionId,
      agent: id.agent,
      principal: id.principal,
      task: id.task,
      action: reported,
      ...(id.credential ? { credential: id.credential } : {}),
      context: { source: 'mcp-proxy', ...(approved ? { user_approved: true } : {}) },
      outcome,
    };
    this.decider.report(event);
    this.stats.reported++;
  }

  private remember(key: string, binding: string): void {
    if (this.bindings.size >= MAX_PENDING_BINDINGS && !this.bindings.has(key)) {
      const oldest = this.bindings.keys().next();
      if (!oldest.done) this.bindings.delete(oldest.value);
    }
    this.bindings.set(key, binding);
  }
}

/** The session and the digest of the exact call: a retry of a stepped-up call in the same session finds its binding by it. */
function retryKeyOf(ctx: CallContext, action: Action): string {
  return `${ctx.sessionId}\u0000${actionKey(action)}`;
}

/** Digest of the exact call (tool and arguments) for matching a retry to its step-up. */
function actionKey(action: Action): string {
  return createHash('sha256')
    .update(JSON.stringify([action.tool, action.args ?? null, action.args_digest ?? null]))
    .digest('base64url');
}

/** The texts of a result: text content, embedded text resources, structured content. Read, never kept. */
export function resultTexts(result: CallToolResult): string[] {
  const out: string[] = [];
  for (const c of result.content ?? []) {
    if (c.type === 'text') out.push(c.text);
    else if (c.type === 'resource' && 'text' in c.resource && typeof c.resource.text === 'string') out.push(c.resource.text);
    else if (c.type === 'resource_link') out.push(c.uri);
  }
  if (result.structuredContent !== undefined) out.push(JSON.stringify(result.structuredContent));
  return out;
}

function approvalPrompt(tool: string, decision: DecisionResponse): string {
  const why = decision.reasons
    .slice(0, 3)
    .map((r) => `- ${r.message}`)
    .join('\n');
  return `Chainwatch asks for your approval before the agent calls ${tool}.\n${why}\nApprove this exact call?`;
}

/** The tool error a refused call answers: the decision and its reasons, for the agent and the user. */
function refusal(tool: string, decision: DecisionResponse): CallToolResult {
  const approval = decision.obligations.approval;
  const reasons = decision.reasons.map((r) => `- ${r.rule_id}: ${r.message}`).join('\n');
  const head =
    decision.decision === 'step_up' && approval !== undefined
      ? `Chainwatch requires a human approval before ${tool} runs (binding ${approval.binding}, valid until ` +
        `${new Date(approval.expires_at).toISOString()}). An approver answers POST /v1/approvals/${approval.binding}; then retry the same call.`
      : `Chainwatch ${decision.decision === 'step_up' ? 'requires an approval for' : 'denied'} ${tool}.`;
  return {
    content: [{ type: 'text', text: `${head}\n${reasons}` }],
    isError: true,
    _meta: {
      [META_KEY]: {
        decision_id: decision.decision_id,
        decision: decision.decision,
        score: decision.score,
        level: decision.level,
        reasons: decision.reasons.map((r) => ({ rule_id: r.rule_id, message: r.message })),
        ...(approval !== undefined ? { approval } : {}),
        ...(decision.stale !== null ? { stale: decision.stale } : {}),
      },
    },
  };
}
