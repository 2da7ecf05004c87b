/**
 * Per-session state of the sequence rules: for each sequence rule, at most `max_partials`
 * partial matches (oldest dropped). A partial remembers the next step it waits for, when and at
 * which event index its first step happened, and the event id of each matched step.
 * Serialisable for checkpoints; keyed by rule id and version so a changed rule starts afresh.
 */
import { z } from 'zod';

export interface SequenceState {
  /** Independent deep copy (the decision API assesses prospective actions on a copy). */
  clone(): SequenceState;
  /** JSON-safe snapshot; restore with RuleSet.restoreSequenceState(). */
  toJSON(): unknown;
}

export interface PartialMatch {
  /** Index of the next step this partial waits for (1 … steps-1). */
  step: number;
  readonly startTs: number;
  readonly startIdx: number;
  /** Event ids of steps 0 … step-1. */
  readonly ids: string[];
}

/** What the state needs to know of each sequence rule of its rule set. */
export interface SequenceSlot {
  readonly id: string;
  readonly version: number;
  readonly steps: number;
  readonly maxPartials: number;
}

export class SequenceStateImpl implements SequenceState {
  constructor(
    /** The slots of the rule set that created this state; `partials[i]` belongs to `slots[i]`. */
    public slots: readonly SequenceSlot[],
    /** Events seen by this state: the event index used by within_events. */
    public counter: number,
    /** null until the rule first matches a step. */
    public partials: (PartialMatch[] | null)[],
  ) {}

  clone(): SequenceStateImpl {
    return new SequenceStateImpl(
      this.slots,
      this.counter,
      this.partials.map((ps) => (ps === null ? null : ps.map((p) => ({ step: p.step, startTs: p.startTs, startIdx: p.startIdx, ids: [...p.ids] })))),
    );
  }

  toJSON(): SequenceStateJson {
    const rules: SequenceStateJson['rules'] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const ps = this.partials[i];
      const slot = this.slots[i];
      if (ps === null || ps === undefined || ps.length === 0 || slot === undefined) continue;
      rules.push({
        id: slot.id,
        version: slot.version,
        partials: ps.map((p) => ({ step: p.step, start_ts: p.startTs, start_idx: p.startIdx, ids: [...p.ids] })),
      });
    }
    return { v: 1, counter: this.counter, rules };
  }
}

export const SequenceStateJson = z.strictObject({
  v: z.literal(1),
  counter: z.int().nonnegative(),
  rules: z
    .array(
      z.strictObject({
        id: z.string().max(64),
        version: z.int().min(1),
        partials: z
          .array(
            z.strictObject({
              step: z.int().min(1).max(7),
              start_ts: z.number(),
              start_idx: z.int().nonnegative(),
              ids: z.array(z.string().max(256)).min(1).max(7),
            }),
          )
          .max(64),
      }),
    )
    .max(1024),
});
export type SequenceStateJson = z.output<typeof SequenceStateJson>;

/** Rebuild a state for `slots` from a snapshot: unknown or changed rules and malformed partials are dropped. */
export function restoreState(slots: readonly SequenceSlot[], json: SequenceStateJson): SequenceStateImpl {
  const partials: (PartialMatch[] | null)[] = slots.map(() => null);
  for (const r of json.rules) {
    const i = slots.findIndex((s) => s.id === r.id && s.version === r.version);
    const slot = slots[i];
    if (slot === undefined) continue;
    const kept = r.partials
      .filter((p) => p.step < slot.steps && p.ids.length === p.step && p.start_idx <= json.counter)
      .slice(-slot.maxPartials)
      .map((p) => ({ step: p.step, startTs: p.start_ts, startIdx: p.start_idx, ids: [...p.ids] }));
    partials[i] = kept.length === 0 ? null : kept;
  }
  return new SequenceStateImpl(slots, json.counter, partials);
}
