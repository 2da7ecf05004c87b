/**
 * Per-session state of the sequence rules: for each sequence rule, at most `max_partials`
 * partial matches (oldest dropped). A partial remembers the next step it waits for, when and at
 * which event index its first step happened, and the event id of each matched step.
 * Serialisable for checkpoints; keyed by rule id and version so a changed rule starts afresh.
 *
 * Memory: one small object per session (an event counter and a reference), and nothing more
 * until a sequence rule's first step matches. The partial matches of all rules live in one flat
 * array of records, grouped by rule in rule order:
 *
 *   data = [slots, head, startIdx, startTs, id_0 … id_{step-1}, head, …]
 *
 * where `head = slot × 8 + step` (step = the next step awaited = the number of ids, 1 … 7: a
 * sequence has at most 8 steps, rule-file-schema.ts) and
 * the ids are the exact event id strings (shared with the rest of the session's state, never
 * copied). The array is never mutated in place: an event that changes a partial replaces it
 * (copy-on-write), so clones share it.
 */
import { z } from 'zod';

export interface SequenceState {
  /** Independent deep copy (the decision API assesses prospective actions on a copy). */
  clone(): SequenceState;
  /** JSON-safe snapshot; restore with RuleSet.restoreSequenceState(). */
  toJSON(): unknown;
}

/** What the state needs to know of each sequence rule of its rule set. */
export interface SequenceSlot {
  readonly id: string;
  readonly version: number;
  readonly steps: number;
  readonly maxPartials: number;
}

/** Flat partial-match records; element 0 is the slot list of the rule set that wrote them. */
export type SequenceData = readonly (readonly SequenceSlot[] | number | string)[];

/** Fields of a record after its head. */
export const REC_START_IDX = 1;
export const REC_START_TS = 2;
export const REC_IDS = 3;

export function recordSlot(head: number): number {
  return head >>> 3;
}

export function recordStep(head: number): number {
  return head & 7;
}

export function recordHead(slot: number, step: number): number {
  return slot * 8 + step;
}

export class SequenceStateImpl implements SequenceState {
  constructor(
    /** Events seen by this state: the event index used by within_events. */
    public counter: number,
    /** Partial matches (see the module comment); null while there are none. Never mutated in place. */
    public data: SequenceData | null,
  ) {}

  /** Slot list of the rule set that wrote the partials, or null when there are none. */
  get slots(): readonly SequenceSlot[] | null {
    return this.data === null ? null : (this.data[0] as readonly SequenceSlot[]);
  }

  clone(): SequenceStateImpl {
    // data is copy-on-write: sharing it is a deep copy in effect.
    return new SequenceStateImpl(this.counter, this.data);
  }

  toJSON(): SequenceStateJson {
    const rules: SequenceStateJson['rules'] = [];
    const d = this.data;
    if (d !== null) {
      const slots = d[0] as readonly SequenceSlot[];
      let cur: SequenceStateJson['rules'][number] | undefined;
      for (let r = 1; r < d.length; ) {
        const head = d[r] as number;
        const slot = slots[recordSlot(head)];
        const step = recordStep(head);
        if (slot !== undefined) {
          if (cur === undefined || cur.id !== slot.id || cur.version !== slot.version) {
            cur = { id: slot.id, version: slot.version, partials: [] };
            rules.push(cur);
          }
          cur.partials.push({
            step,
            start_ts: d[r + REC_START_TS] as number,
            start_idx: d[r + REC_START_IDX] as number,
            ids: d.slice(r + REC_IDS, r + REC_IDS + step) as string[],
          });
        }
        r += REC_IDS + step;
      }
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
  const bySlot: (SequenceStateJson['rules'][number]['partials'] | undefined)[] = slots.map(() => undefined);
  for (const r of json.rules) {
    const i = slots.findIndex((s) => s.id === r.id && s.version === r.version);
    const slot = slots[i];
    if (slot === undefined) continue;
    bySlot[i] = r.partials
      .filter((p) => p.step < slot.steps && p.ids.length === p.step && p.start_idx <= json.counter)
      .slice(-slot.maxPartials);
  }
  const data: (readonly SequenceSlot[] | number | string)[] = [slots];
  bySlot.forEach((ps, i) => {
    for (const p of ps ?? []) data.push(recordHead(i, p.step), p.start_idx, p.start_ts, ...p.ids);
  });
  return new SequenceStateImpl(json.counter, data.length > 1 ? data : null);
}
