/**
 * Traffic for the fault suite: simulator traces sent as NDJSON batches by several concurrent
 * senders, keeping exactly what was acknowledged (a 200 whose `accepted` counts every line). A
 * batch refused with 503 is sent again after Retry-After; a batch whose answer never came (the
 * server died) is unacknowledged and not counted.
 */
import type { AgentActionEvent } from '@chainwatch/schemas';
import { createSimulator } from '@chainwatch/simulator';

export interface IngestLoadOptions {
  readonly url: string;
  readonly token: string;
  readonly seed: string;
  readonly senders?: number;
  readonly batchSize?: number;
}

export class IngestLoad {
  /** event_id → session_id, for every acknowledged event. */
  readonly acked = new Map<string, string>();
  refused = 0;
  private readonly queue: AgentActionEvent[] = [];
  private readonly sim;
  private stopped = false;
  private running: Promise<void>[] = [];
  private clock = Date.now() - 60_000;

  constructor(private readonly options: IngestLoadOptions) {
    this.sim = createSimulator({ seed: options.seed, attackRate: 0.3 });
  }

  start(): void {
    for (let i = 0; i < (this.options.senders ?? 4); i++) this.running.push(this.sender());
  }

  /** Stops sending new batches and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Acknowledged events per session. */
  ackedPerSession(): Map<string, number> {
    const out = new Map<string, number>();
    for (const session of this.acked.values()) out.set(session, (out.get(session) ?? 0) + 1);
    return out;
  }

  private next(n: number): AgentActionEvent[] {
    while (this.queue.length < n) {
      this.clock += 200;
      this.queue.push(...this.sim.nextTrace(this.clock).events);
    }
    return this.queue.splice(0, n);
  }

  private async sender(): Promise<void> {
    while (!this.stopped) {
      const batch = this.next(this.options.batchSize ?? 25);
      const body = batch.map((e) => JSON.stringify(e)).join('\n');
      for (;;) {
        let res: Response;
        try {
          res = await fetch(`${this.options.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/x-ndjson' },
            body,
          });
        } catch {
          // No answer (the server died): not acknowledged. This sender is done.
          this.stopped = true;
          return;
        }
        if (res.status === 503) {
          this.refused++;
          await res.body?.cancel();
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
          if (this.stopped) return;
          continue;
        }
        const answer = (await res.json()) as { accepted?: number };
        if (res.status !== 200 || answer.accepted !== batch.length) throw new Error(`batch answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
        for (const e of batch) this.acked.set(e.event_id, e.session_id);
        break;
      }
    }
  }
}
