import { ChainwatchError } from '@chainwatch/runtime';
import type { AgentActionEventInput, DecisionRequest, DecisionResponse } from '@chainwatch/schemas';

/** The decision service could not answer (unreachable, timed out, refused; CW_DECISION_UNAVAILABLE): the fail mode decides. */
export class DecisionUnavailable extends ChainwatchError {
  constructor(
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super('CW_DECISION_UNAVAILABLE', why, options);
    this.name = 'DecisionUnavailable';
  }
}

/**
 * Where the proxy's decisions come from and its events go: the detection core in this process, or a
 * running Chainwatch over HTTP. Same contract either way (DecisionRequest → DecisionResponse,
 * AgentActionEvent after the fact), so the gate does not know which.
 */
export interface Decider {
  readonly mode: 'in-process' | 'remote';
  /** Rejects with DecisionUnavailable when no answer can be had in time. */
  decide(request: DecisionRequest): Promise<DecisionResponse>;
  /** Records a human answer to a step-up's binding, as POST /v1/approvals/{binding} would. */
  answer(binding: string, approve: boolean, approver: string): Promise<void>;
  /** Reports an action after the fact; never blocks the call (queued when remote). */
  report(event: AgentActionEventInput): void;
  /** Waits until what was reported so far is delivered (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

