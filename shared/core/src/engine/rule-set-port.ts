/**
 * What the engine needs from the rules engine (shared/core/src/rules). Structural, so the engine
 * depends on the contract, not on the implementation module.
 */
import type { RuleContext, RuleMatch } from '../rule-context';

export interface SequenceStatePort {
  clone(): SequenceStatePort;
  toJSON(): unknown;
}

export interface RuleSetPort {
  readonly version: string;
  evaluate(ctx: RuleContext, seq: SequenceStatePort): RuleMatch[];
  newSequenceState(): SequenceStatePort;
  restoreSequenceState(json: unknown): SequenceStatePort;
}
