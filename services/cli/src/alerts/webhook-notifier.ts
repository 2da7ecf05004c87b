/**
 * Delivers findings at or above a level to a webhook, in the background: a bounded queue (when
 * full, the oldest queued finding is dropped and counted), one request at a time with up to
 * `batchSize` findings per message, retries with exponential backoff on network errors, timeouts,
 * 429 and 5xx (honouring Retry-After), and no retry on other 4xx (a wrong URL does not get better).
 * The URL is a secret (Slack's carries the token): only its origin is ever logged.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { retry, retryAfterMs, settlesWithin, type Logger, type RetryPolicy } from '@chainwatch/runtime';
import type { Level } from '@chainwatch/schemas';
import { levelRank, type FindingAlert } from './alert';
import { MAX_FINDINGS_PER_MESSAGE, slackPayload } from './slack-payload';

export interface WebhookOptions {
  readonly url: string;
  readonly minLevel: Level;
  readonly queueSize?: number;
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Shown in the message's footer (e.g. `chainwatch start on http://127.0.0.1:8080`). */
  readonly source?: string;
  readonly logger?: Logger;
  readonly registry?: Registry;
}

export interface WebhookStats {
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
}

export class WebhookNotifier {
  private readonly queue: FindingAlert[] = [];
  private readonly o: Required<Omit<WebhookOptions, 'logger' | 'registry'>>;
  private readonly origin: string;
  private running: Promise<void> | null = null;
  private closing = false;
  private readonly abort = new AbortController();
  private sent = 0;
  private failed = 0;
  private dropped = 0;
  private readonly deliveries?: Counter<'result'>;
  private readonly depth?: Gauge;

  constructor(private readonly options: WebhookOptions) {
    this.o = {
      url: options.url,
      minLevel: options.minLevel,
      queueSize: options.queueSize ?? 1000,
      batchSize: Math.min(options.batchSize ?? 10, MAX_FINDINGS_PER_MESSAGE),
      maxAttempts: options.maxAttempts ?? 5,
      timeoutMs: options.timeoutMs ?? 5000,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      source: options.source ?? 'chainwatch',
    };
    this.origin = new URL(options.url).origin;
    if (options.registry) {
      this.deliveries = new Counter({
        name: 'chainwatch_webhook_findings_total',
        help: 'Findings handed to the webhook, by result: sent, failed (gave up after retries or a 4xx), dropped (queue full or closed)',
        labelNames: ['result'],
        registers: [options.registry],
      });
      this.depth = new Gauge({ name: 'chainwatch_webhook_queue_depth', help: 'Findings waiting for the webhook', registers: [options.registry] });
    }
  }

  get stats(): WebhookStats {
    return { sent: this.sent, failed: this.failed, dropped: this.dropped, queued: this.queue.length };
  }

  /** Queues the finding when it is at or above the level; never blocks the caller. */
  notify(finding: FindingAlert): void {
    if (levelRank(finding.level) < levelRank(this.o.minLevel)) return;
    if (this.closing) return this.count('dropped', 1);
    this.queue.push(finding);
    if (this.queue.length > this.o.queueSize) {
      this.queue.shift();
      this.count('dropped', 1);
      if (this.dropped === 1 || this.dropped % 100 === 0) {
        this.options.logger?.warn({ webhook: this.origin, dropped: this.dropped, queue: this.o.queueSize }, 'webhook queue full; dropping the oldest findings');
      }
    }
    this.depth?.set(this.queue.length);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Stops taking findings and waits up to `graceMs` for the queue to empty; the rest is dropped. */
  async close(graceMs = 3000): Promise<void> {
    this.closing = true;
    const done = this.running ?? Promise.resolve();
    if (!(await settlesWithin(done, graceMs))) this.abort.abort();
    await done;
    if (this.queue.length > 0) {
      this.count('dropped', this.queue.length);
      this.queue.length = 0;
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const batch = this.queue.splice(0, this.o.batchSize);
      this.depth?.set(this.queue.length);
      const ok = await this.deliver(batch);
      this.count(ok ? 'sent' : 'failed', batch.length);
    }
  }

  /** Posts one message; network errors, timeouts, 429 and 5xx are retried on the notifier's policy. */
  private async deliver(batch: readonly FindingAlert[]): Promise<boolean> {
    const body = JSON.stringify(slackPayload(batch, this.o.source));
    const policy: RetryPolicy = { attempts: this.o.maxAttempts, initialMs: this.o.backoffMs, factor: 2, maxMs: this.o.maxBackoffMs, jitter: 0 };
    const retriableStatus = (status: number): boolean => status === 429 || status >= 500;
    let attempts = 0;
    let outcome: Response | null;
    try {
      outcome = await retry(
        async () => {
          attempts++;
          const res = await fetch(this.o.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.abort.signal]),
          });
          await res.arrayBuffer().catch(() => undefined);
          return res;
        },
        {
          policy,
          failed: (res) => !res.ok && retriableStatus(res.status),
          retriable: () => !this.abort.signal.aborted,
          delayOf: (failure) => (failure instanceof Response ? retryAfterMs(failure.headers.get('retry-after')) : undefined),
          onRetry: (failure) => {
            if (!(failure instanceof Response)) this.options.logger?.debug({ webhook: this.origin, attempt: attempts, err: (failure as Error).message }, 'webhook request failed');
          },
          signal: this.abort.signal,
        },
      );
    } catch {
      outcome = null;
    }
    if (outcome?.ok) return true;
    if (this.abort.signal.aborted) return false;
    const status = outcome?.status ?? 0;
    const retriable = status === 0 || retriableStatus(status);
    this.options.logger?.warn(
      { webhook: this.origin, status: status || null, attempts, findings: batch.length },
      retriable ? 'webhook gave up after retries' : 'webhook refused the message; not retried',
    );
    return false;
  }

  private count(result: 'sent' | 'failed' | 'dropped', n: number): void {
    if (n <= 0) return;
    if (result === 'sent') this.sent += n;
    else if (result === 'failed') this.failed += n;
    else this.dropped += n;
    this.deliveries?.inc({ result }, n);
  }
}
