/**
 * Decisions from a running Chainwatch over HTTP: POST /v1/decisions before each call (bounded by a
 * timeout: the proxy never hangs on an unreachable service), POST /v1/approvals/{binding} to relay an
 * answer given through MCP elicitation, and POST /v1/events (NDJSON) after the fact, batched in the
 * background, retried, bounded in memory.
 */
import { retry, retryPolicy, settlesWithin, sleep, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import { DecisionResponse, type AgentActionEventInput, type DecisionRequest } from '@chainwatch/schemas';
import { DecisionUnavailable, type Decider } from './decider';
import { MCP_PROXY_DEFAULTS } from './defaults';

export interface RemoteDeciderOptions {
  readonly url: string;
  readonly token: string;
  readonly approverToken?: string;
  readonly timeoutMs: number;
  readonly reportQueueMax: number;
  readonly logger: Logger;
  /** Events per POST /v1/events. */
  readonly batchSize?: number;
  /** Wait before retrying a failed delivery (default MCP_PROXY_DEFAULTS.reportRetry). */
  readonly retryMs?: number;
  readonly onDrop?: (count: number) => void;
  /** close() waits at most this long for undelivered events (default 2 s); the rest are counted as dropped. */
  readonly closeTimeoutMs?: number;
}

export class RemoteDecider implements Decider {
  readonly mode = 'remote' as const;
  private readonly base: string;
  private queue: string[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Aborts a delivery in flight at shutdown. */
  private readonly stopping = new AbortController();
  private readonly deliveryRetry: RetryPolicy;
  dropped = 0;
  delivered = 0;

  constructor(private readonly options: RemoteDeciderOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.deliveryRetry = retryPolicy(MCP_PROXY_DEFAULTS.reportRetry, options.retryMs !== undefined ? { initialMs: options.retryMs, maxMs: options.retryMs } : {});
  }

  async decide(request: DecisionRequest): Promise<DecisionResponse> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new DecisionUnavailable(timedOut ? `no answer within ${this.options.timeoutMs} ms` : 'unreachable', { cause: err });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      throw new DecisionUnavailable(`HTTP ${response.status} without a JSON body`, { cause: err });
    }
    if (response.status !== 200) throw new DecisionUnavailable(`HTTP ${response.status} ${errorCode(body)}`);
    const parsed = DecisionResponse.safeParse(body);
    if (!parsed.success) throw new DecisionUnavailable('answer is not a DecisionResponse');
    return parsed.data;
  }

  async answer(binding: string, approve: boolean, approver: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/v1/approvals/${encodeURIComponent(binding)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.approverToken ?? this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ approve }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new DecisionUnavailable('approval not delivered', { cause: err });
    }
    if (response.status !== 200) {
      const body: unknown = await response.json().catch(() => null);
      throw new DecisionUnavailable(`approval by ${approver} refused: HTTP ${response.status} ${errorCode(body)}`);
    }
  }

  report(event: AgentActionEventInput): void {
    if (this.closed) return;
    this.queue.push(JSON.stringify(event));
    if (this.queue.length > this.options.reportQueueMax) {
      const excess = this.queue.length - this.options.reportQueueMax;
      this.queue.splice(0, excess);
      this.dropped += excess;
      this.options.onDrop?.(excess);
      this.options.logger.error({ dropped: excess }, 'event report queue full: oldest events dropped');
    }
    this.draining ??= this.drain();
  }

  get pending(): number {
    return this.queue.length;
  }

  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    await settlesWithin(this.flush(), this.options.closeTimeoutMs ?? MCP_PROXY_DEFAULTS.closeTimeoutMs);
    this.closed = true;
    this.stopping.abort();
    if (this.queue.length > 0) {
      this.options.logger.error({ lost: this.queue.length }, 'events not delivered before shutdown');
      this.dropped += this.queue.length;
      this.queue = [];
    }
  }

  /** Delivers the queue in batches; a failed batch is retried until delivered or closed (the batch is cut again per attempt: the queue may have dropped its oldest meanwhile). */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const sent = await retry(
          async () => {
            const batch = this.queue.slice(0, this.options.batchSize ?? MCP_PROXY_DEFAULTS.reportBatchSize);
            await this.post(batch);
            return batch.length;
          },
          {
            policy: this.deliveryRetry,
            retriable: () => !this.closed,
            signal: this.stopping.signal,
            wait: (ms, signal) => sleep(ms, signal, { unref: true }),
            onRetry: (err) =>
              this.options.logger.warn({ err: err instanceof Error ? err.message : String(err), pending: this.queue.length }, 'event delivery failed, retrying'),
          },
        ).catch(() => null);
        if (sent === null) return;
        this.queue.splice(0, sent);
        this.delivered += sent;
      }
    } finally {
      this.draining = null;
    }
  }

  private async post(lines: readonly string[]): Promise<void> {
    const response = await fetch(`${this.base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
      signal: AbortSignal.any([AbortSignal.timeout(Math.max(this.options.timeoutMs, 10_000)), this.stopping.signal]),
    });
    const body: unknown = await response.json().catch(() => null);
    // 400 means no line was valid: retrying cannot help, the events are a bug of ours (logged, dropped).
    if (response.status === 400) {
      this.options.logger.error({ status: 400, code: errorCode(body) }, 'events rejected by the decision API');
      return;
    }
    if (response.status !== 200) throw new Error(`HTTP ${response.status} ${errorCode(body)}`);
    const rejected = (body as { rejected?: unknown[] } | null)?.rejected?.length ?? 0;
    if (rejected > 0) this.options.logger.error({ rejected }, 'some reported events were rejected');
  }
}

function errorCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : '';
}
