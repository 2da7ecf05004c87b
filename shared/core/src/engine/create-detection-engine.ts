/**
 * The detection engine: per-session state for every trace it holds, the detectors, the rule set,
 * and the decision order. Pure and synchronous; time comes from events or the caller. This module
 * only wires the parts:
 *   session-store.ts   sessions and the trace index
 *   approval-book.ts   human approvals of step-ups
 *   finding-pipeline.ts detectors, YAML rules and the policy's adjustments, once per action
 *   observe.ts         the stream path          assess.ts   the request path
 *   checkpoints.ts     trace checkpoints and signal adoption
 *   session-signal.ts  the risk signal of a session
 */
import type { AgentActionEvent, DecisionRequest, RiskSignal } from '@chainwatch/schemas';
import { TransitionModels, type Baseline } from '../baseline/markov-model';
import { EMPTY_CATALOG, type ToolCatalog } from '../catalog/tool-catalog';
import { authority } from '../detectors/authority';
import { behaviour } from '../detectors/behaviour';
import { chaining } from '../detectors/chaining';
import { credential } from '../detectors/credential';
import { delegation } from '../detectors/delegation';
import type { DetectorContext, DetectorModule } from '../detectors/detector';
import { provenance } from '../detectors/provenance';
import { shellCommands } from '../detectors/shell';
import type { ApprovalRecord, AssessResult, DetectionEngine, ObserveResult } from '../engine-api';
import { IntentIndex } from '../intent/intent-index';
import { DEFAULT_SCORING_POLICY, type ScoringPolicy } from '../scoring/scoring-policy';
import { findingWeight } from '../scoring/score';
import { CredentialIndex } from '../state/credential-index';
import { hex64 } from '../state/hash';
import { Interner } from '../state/interner';
import type { SessionState } from '../state/session-state';
import { StringPool } from '../state/string-pool';
import { ApprovalBook } from './approval-book';
import { assessRequest } from './assess';
import { checkpointTrace, loadSignalState, restoreTrace } from './checkpoints';
import type { EngineState } from './engine-state';
import { FindingPipeline } from './finding-pipeline';
import { observeEvent } from './observe';
import type { RuleSetPort } from './rule-set-port';
import type { ShellPort } from '../shell/shell-port';
import { buildSignal } from './session-signal';
import { SessionStore } from './session-store';

/** Sessions idle this long are evicted by evictIdle() unless configured otherwise: 30 minutes. */
export const DEFAULT_IDLE_MS = 30 * 60_000;

export interface DetectionEngineOptions {
  readonly catalog?: ToolCatalog;
  readonly rules?: RuleSetPort;
  readonly policy?: ScoringPolicy;
  readonly baseline?: Baseline;
  /** Hard cap on sessions held; the oldest is dropped first. Default 1,000,000. */
  readonly maxSessions?: number;
  /** Idle time after which evictIdle() drops a session. Default DEFAULT_IDLE_MS. */
  readonly idleMs?: number;
  /** Learn Markov transition models online from observed events (default true). */
  readonly learn?: boolean;
  /**
   * A shell-command analyser (`@chainwatch/shell`: `await loadShellPort()`): shell-like tool calls
   * are then judged by what their command does. Without it, by their name.
   */
  readonly shell?: ShellPort;
}

/** Every detector, in the order their findings are listed. */
export const DETECTORS: readonly DetectorModule[] = [authority, provenance, shellCommands, credential, delegation, chaining, behaviour];

export function createDetectionEngine(options: DetectionEngineOptions = {}): DetectionEngine {
  const catalog = options.catalog ?? EMPTY_CATALOG;
  const policy = options.policy ?? DEFAULT_SCORING_POLICY;
  const rules = options.rules;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const names = new Interner();
  const sessions = new SessionStore(options.maxSessions ?? 1_000_000);
  const models = options.baseline !== undefined ? TransitionModels.fromBaseline(options.baseline) : new TransitionModels();
  const credentials = new CredentialIndex();
  const ctx: DetectorContext = { names, policy: policy.detectors, models, credentials, orgDomains: catalog.org_domains, session: (id) => sessions.get(id) };
  const st: EngineState = {
    catalog,
    policy,
    rules,
    policyVersion: `p-${hex64(`${JSON.stringify(catalog)}\u0000${rules?.version ?? 'no-rules'}\u0000${JSON.stringify(policy)}`)}`,
    learn: options.learn ?? true,
    names,
    pool: new StringPool(),
    intents: new IntentIndex(),
    models,
    credentials,
    sessions,
    approvals: new ApprovalBook(sessions),
    pipeline: new FindingPipeline(DETECTORS, ctx, rules, names),
    weight: (f, now) => findingWeight(f, now, policy),
    shell: options.shell,
  };
  const signalOf = (s: SessionState): RiskSignal => buildSignal(s, names, policy, st.policyVersion);

  return {
    policyVersion: st.policyVersion,
    observe: (e: AgentActionEvent): ObserveResult => observeEvent(st, e, signalOf),
    assess: (req: DecisionRequest, now: number): AssessResult => assessRequest(st, req, now),
    signal: (sid) => {
      const s = sessions.get(sid);
      return s === undefined || s.events === 0 ? undefined : signalOf(s);
    },
    checkpoint: (traceId) => checkpointTrace(st, traceId),
    restore: (text) => restoreTrace(st, text),
    loadSignal: (signal) => loadSignalState(st, signal),
    recordApproval: (a: ApprovalRecord) => st.approvals.record(a),
    evictIdle: (now) => {
      const cutoff = now - idleMs;
      const dropped = sessions.evictIdleBefore(cutoff);
      credentials.evictExpired(cutoff);
      st.approvals.evictExpired(now);
      return dropped;
    },
    get sessionCount() {
      return sessions.size;
    },
  };
}
