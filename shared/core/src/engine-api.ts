/**
 * The detection core's public facade. Pure and synchronous: no I/O, no timers, no Date.now()
 * (time always comes in as an argument or from the event). Services (session-processor,
 * decision-api, the all-in-one CLI, eval) use only this interface.
 */
import type {
  AgentActionEvent,
  DecisionRequest,
  Finding,
  Level,
  Decision,
  Reason,
  RiskSignal,
} from '@chainwatch/schemas';

export interface ObserveResult {
  /** true when this event_id was already seen in the session: nothing changed, nothing to publish. */
  readonly duplicate: boolean;
  /** Findings raised by this event (new ones only; each cites its evidence event ids). */
  readonly findings: readonly Finding[];
  /** The session's risk after this event. */
  readonly signal: RiskSignal;
}

export interface AssessResult {
  readonly score: number;
  readonly level: Level;
  readonly decision: Decision;
  /** Top contributing findings, strongest first: existing session findings plus prospective ones. */
  readonly reasons: readonly Reason[];
  /** Findings the prospective action itself would raise (not recorded in state). */
  readonly prospective: readonly Finding[];
  /** Event ids the decision rests on (for approval bindings). */
  readonly evidenceEventIds: readonly string[];
  /** false when the engine has no state for the session (first action, or unknown session). */
  readonly knownSession: boolean;
}

export interface ApprovalRecord {
  /** Approval binding id: recording the same approval twice (re-delivery) changes nothing. Default: the digest. */
  readonly id?: string;
  readonly sessionId: string;
  /** Digest of the exact approved action (see actionDigest()). */
  readonly actionDigest: string;
  readonly approved: boolean;
  /** The rule ids whose findings the approval covers. */
  readonly ruleIds: readonly string[];
  readonly ts: number;
  /** Until when the approval holds, epoch ms (default ts + 15 min). */
  readonly expiresAt?: number;
  /**
   * Already used: the decision API let the approved action through (an approval unlocks its
   * action once). assess() then stops honouring it; observe() still lets the approved action's
   * own event pass without its covered findings, once (see SessionApproval).
   */
  readonly used?: boolean;
}

export interface DetectionEngine {
  readonly policyVersion: string;
  /** Stream path: update state with one event, return new findings and the updated signal. */
  observe(event: AgentActionEvent): ObserveResult;
  /** Request path: what would happen if this action ran now. Never mutates state. */
  assess(request: DecisionRequest, now: number): AssessResult;
  /** Latest signal of a session, if the engine holds it. */
  signal(sessionId: string): RiskSignal | undefined;
  /** Serialised state of a whole trace (all its sessions and its delegation tree), for checkpoints. */
  checkpoint(traceId: string): string | null;
  /** Restore a trace from checkpoint(); replaces what the engine holds for that trace. */
  restore(checkpoint: string): void;
  /** Decision-API view: adopt a session's state from a RiskSignal's digest. Newer seq wins. */
  loadSignal(signal: RiskSignal): void;
  /**
   * Record a human approval or rejection so an approved step stops re-raising its findings: held in
   * the session's state (checkpoints and signals carry it), or kept until the session appears.
   * A rejection revokes an earlier approval of the same binding or action. Returns true when the
   * state of a session this engine holds changed (a processor then checkpoints that trace).
   */
  recordApproval(approval: ApprovalRecord): boolean;
  /** Drop sessions idle since before `now - idleMs`; returns the trace ids dropped entirely. */
  evictIdle(now: number): string[];
  /** Number of sessions held. */
  readonly sessionCount: number;
}
