export interface IngestGateOptions {
  /** Bytes of accepted batches the publisher may hold at once (default 64 MiB). */
  readonly maxInFlightBytes?: number;
  /**
   * Records published but not yet handled downstream (the local log of `chainwatch start`); past
   * `maxBacklog`, new batches are refused until it drains. Absent: no backlog bound (Kafka holds it).
   */
  readonly backlog?: () => number;
  readonly maxBacklog?: number;
  /** Seconds a refused caller is told to wait (Retry-After; default 2). */
  readonly retryAfterS?: number;
}

export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly reason: 'in_flight' | 'backlog'; readonly retryAfterS: number };

export const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

/**
 * Bounds what ingestion holds between a request and its storage: the bytes of batches handed to
 * the publisher and not yet settled (a publish that timed out still holds its batch until the
 * producer gives it back), and, when the transport reports one, the backlog downstream. Past
 * either bound a batch is refused with a wait time instead of growing the heap or the backlog.
 */
export class IngestGate {
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: IngestGateOptions = {}) {
    this.maxInFlight = options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES;
  }

  get inFlightBytes(): number {
    return this.inFlight;
  }

  admit(bytes: number): Admission {
    const retryAfterS = this.options.retryAfterS ?? 2;
    const { backlog, maxBacklog } = this.options;
    if (backlog !== undefined && maxBacklog !== undefined && backlog() >= maxBacklog) return { ok: false, reason: 'backlog', retryAfterS };
    // One batch alone may always pass (the body limit bounds it); two may not exceed the bound together.
    if (this.inFlight > 0 && this.inFlight + bytes > this.maxInFlight) return { ok: false, reason: 'in_flight', retryAfterS };
    this.inFlight += bytes;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= bytes;
      },
    };
  }
}
