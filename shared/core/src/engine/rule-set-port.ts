/**
 * What the engine needs from the rules engine (shared/core/src/rules). Structural, so the engine
 * depends on the contract, not on the implementation module.
 */
import type { Severity } from '@chainwatch/schemas';
import type { RuleContext, RuleMatch } from '../rule-context';

export interface SequenceStatePort {
  clone(): SequenceStatePort;
  toJSON(): unknown;
}

export interface DetectorTuningPort {
  readonly enabled: boolean;
  readonly severity?: Severity;
  readonly confidence?: number;
  readonly hasExceptions: boolean;
}

export interface RuleSetPort {
  readonly version: string;
  evaluate(ctx: RuleContext, seq: SequenceStatePort): RuleMatch[];
  newSequenceState(): SequenceStatePort;
  restoreSequenceState(json: unknown): SequenceStatePort;
  /** How the policy adjusts a detector-raised rule id (undefined: untouched). */
  detectorTuning(id: string): DetectorTuningPort | undefined;
  /** An exception of the detector-raised rule `id` holds for this context. */
  excepted(id: string, ctx: RuleContext): boolean;
}
