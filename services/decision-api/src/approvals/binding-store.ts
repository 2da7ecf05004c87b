import { randomUUID } from 'node:crypto';
import { ChainwatchError } from '@chainwatch/runtime';

export type BindingState = 'pending' | 'approved' | 'rejected' | 'used';

/** A step-up obligation waiting for (or holding) a human answer about one exact action. */
export interface ApprovalBinding {
  readonly id: string;
  readonly sessionId: string;
  readonly traceId: string | null;
  /** actionDigest() of the exact action (@chainwatch/schemas): what the caller presents, and what the engine's approvals key on. */
  readonly actionDigest: string;
  readonly evidenceEventIds: readonly string[];
  /** Rule ids of the findings that asked for the step-up (what an approval covers). */
  readonly ruleIds: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Token subject of the decision request that asked for the step-up (null: not known, e.g. an older record). */
  readonly requestedBy: string | null;
  state: BindingState;
  answeredBy: string | null;
  answeredAt: number | null;
}

const STATE_RANK: Record<BindingState, number> = { pending: 0, approved: 1, rejected: 1, used: 2 };

/** Why a binding presented with a retried action did or did not unlock it. */
export type BindingCheck =
  | { readonly ok: true; readonly binding: ApprovalBinding }
  | { readonly ok: false; readonly why: 'unknown' | 'expired' | 'pending' | 'rejected' | 'used' | 'mismatch'; readonly binding?: ApprovalBinding };

export interface BindingStoreOptions {
  readonly ttlMs: number;
  /** Upper bound on bindings held; the oldest is forgotten first. */
  readonly maxEntries: number;
  /**
   * Separation of duties: false (the default) refuses an answer from the subject that asked for the
   * step-up. True lets one subject ask and approve (a single-operator setup).
   */
  readonly allowSelfApproval?: boolean;
}

/**
 * Approval bindings, in memory, bounded and expiring; with several API instances, each adopts the
 * states the others publish (see DecisionService.adopt). Bindings all live for the same TTL, so the
 * insertion order of the map is also the expiry order: sweeping from the front is enough.
 * An approval unlocks its action once (state `used` afterwards): a second run of the same send
 * needs a second approval.
 */
export class BindingStore {
  private readonly bindings = new Map<string, ApprovalBinding>();

  constructor(private readonly options: BindingStoreOptions) {}

  get size(): number {
    return this.bindings.size;
  }

  create(
    input: Pick<ApprovalBinding, 'sessionId' | 'traceId' | 'actionDigest' | 'evidenceEventIds' | 'ruleIds'> & { readonly requestedBy?: string | null },
    now: number,
  ): ApprovalBinding {
    this.sweep(now);
    while (this.bindings.size >= this.options.maxEntries) {
      const oldest = this.bindings.keys().next();
      if (oldest.done) break;
      this.bindings.delete(oldest.value);
    }
    const binding: ApprovalBinding = {
      ...input,
      requestedBy: input.requestedBy ?? null,
      id: randomUUID(),
      createdAt: now,
      expiresAt: now + this.options.ttlMs,
      state: 'pending',
      answeredBy: null,
      answeredAt: null,
    };
    this.bindings.set(binding.id, binding);
    return binding;
  }

  /**
   * Record a human answer. Only a pending, unexpired binding can be answered, once, and (unless
   * allowSelfApproval) not by the subject that asked for it.
   */
  answer(id: string, approved: boolean, by: string, now: number): ApprovalBinding {
    const binding = this.bindings.get(id);
    if (!binding) throw new ChainwatchError('CW_APPROVAL_INVALID', 'unknown binding');
    if (binding.expiresAt <= now) throw new ChainwatchError('CW_APPROVAL_INVALID', 'binding expired');
    if (binding.state !== 'pending') throw new ChainwatchError('CW_APPROVAL_INVALID', `binding already ${binding.state}`);
    if (this.options.allowSelfApproval !== true && binding.requestedBy !== null && binding.requestedBy === by) {
      throw new ChainwatchError('CW_APPROVAL_SELF');
    }
    binding.state = approved ? 'approved' : 'rejected';
    binding.answeredBy = by;
    binding.answeredAt = now;
    return binding;
  }

  /**
   * A binding state published by another instance (chainwatch.approvals): adopted when it is news,
   * never moving a binding backwards (pending < approved | rejected < used). Expired ones are ignored.
   */
  adopt(remote: Omit<ApprovalBinding, 'state' | 'answeredBy' | 'answeredAt'> & { state: BindingState; answeredBy: string | null; answeredAt: number | null }, now: number): void {
    if (remote.expiresAt <= now) return;
    const cur = this.bindings.get(remote.id);
    if (cur === undefined) {
      this.sweep(now);
      while (this.bindings.size >= this.options.maxEntries) {
        const oldest = this.bindings.keys().next();
        if (oldest.done) break;
        this.bindings.delete(oldest.value);
      }
      this.bindings.set(remote.id, { ...remote });
      return;
    }
    if (STATE_RANK[remote.state] <= STATE_RANK[cur.state]) return;
    cur.state = remote.state;
    cur.answeredBy = remote.answeredBy ?? cur.answeredBy;
    cur.answeredAt = remote.answeredAt ?? cur.answeredAt;
  }

  /** Undo an answer that could not be recorded (the approvals topic was unreachable). */
  reopen(id: string): void {
    const binding = this.bindings.get(id);
    if (!binding || binding.state === 'pending' || binding.state === 'used') return;
    binding.state = 'pending';
    binding.answeredBy = null;
    binding.answeredAt = null;
  }

  /** Check a binding presented with a retried action; an approved match is consumed. */
  redeem(id: string, sessionId: string, actionDigest: string, now: number): BindingCheck {
    const binding = this.bindings.get(id);
    if (!binding) return { ok: false, why: 'unknown' };
    if (binding.sessionId !== sessionId || binding.actionDigest !== actionDigest) return { ok: false, why: 'mismatch', binding };
    if (binding.expiresAt <= now) return { ok: false, why: 'expired', binding };
    if (binding.state !== 'approved') return { ok: false, why: binding.state, binding };
    binding.state = 'used';
    return { ok: true, binding };
  }

  private sweep(now: number): void {
    for (const [id, binding] of this.bindings) {
      if (binding.expiresAt > now) break;
      this.bindings.delete(id);
    }
  }
}
