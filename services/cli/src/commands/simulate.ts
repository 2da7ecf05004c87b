/**
 * `chainwatch simulate`: realistic agent traffic (several agent types, multi-agent traces with
 * delegation, mostly benign work, labelled attacks) at a given rate, to Kafka (agent.actions,
 * key trace_id) or to the HTTP ingestion endpoint (POST /v1/events, NDJSON).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Producer } from 'kafkajs';
import { createSimulator, type GeneratedTrace } from '@chainwatch/simulator';
import { createKafka, ensureTopics, topicSpecs } from '@chainwatch/kafka';
import { BrokerList, ChainwatchError, TopicName, createLogger, retry, retryAfterMs, type RetryPolicy } from '@chainwatch/runtime';
import { TOPICS, type AgentActionEvent } from '@chainwatch/schemas';

const SimulateOptions = z
  .object({
    target: z.enum(['kafka', 'http']),
    brokers: BrokerList.optional(),
    topic: TopicName.default(TOPICS.actions),
    url: z.url().optional(),
    token: z.string().min(1).optional(),
    /** Events per second. */
    rate: z.number().positive().max(1_000_000).default(100),
    /** Stop after this many seconds ... */
    durationSec: z.number().positive().optional(),
    /** ... or after this many events (whichever comes first; one of them is required). */
    count: z.number().int().positive().optional(),
    /** Same seed, same traffic. Default: a fresh one per run (printed), so a second run is not all duplicates. */
    seed: z.union([z.number(), z.string().min(1)]).optional(),
    attackRate: z.number().min(0).max(1).default(0.1),
    /** Traces in flight at once, interleaved by event time. */
    concurrency: z.number().int().min(1).max(10_000).default(20),
    /** Events per Kafka send / HTTP request at most. */
    batchSize: z.number().int().min(1).max(5_000).default(500),
  })
  .refine((o) => o.durationSec !== undefined || o.count !== undefined, { message: 'give a duration or a count' })
  .refine((o) => o.target !== 'http' || o.url !== undefined, { message: 'target http needs a url', path: ['url'] })
  .refine((o) => o.target !== 'kafka' || (o.brokers?.length ?? 0) > 0, { message: 'target kafka needs brokers', path: ['brokers'] });
type SimulateOptions = z.input<typeof SimulateOptions>;

export interface SimulateSummary {
  readonly sent: number;
  readonly traces: number;
  readonly attacks: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Traces generated per scenario name. */
  readonly scenarios: Readonly<Record<string, number>>;
  /** The seed used (pass it again to reproduce the run). */
  readonly seed: number | string;
}

export interface SimulateRun extends SimulateOptions {
  /** Progress and summary lines (at most one progress line per second). */
  readonly log: (line: string) => void;
  /** Stops the run early (Ctrl-C); the summary still comes back. */
  readonly signal?: AbortSignal;
  /** Called with each generated trace's label (ground truth for the caller). */
  readonly onTrace?: (trace: GeneratedTrace) => void;
  /** Called with each batch once the target accepted it. */
  readonly onSent?: (events: readonly AgentActionEvent[]) => void;
}

interface EventSink {
  send(events: readonly AgentActionEvent[]): Promise<void>;
  close(): Promise<void>;
}

export async function runSimulate(run: SimulateRun): Promise<SimulateSummary> {
  const parsed = SimulateOptions.safeParse(run);
  if (!parsed.success) {
    throw new ChainwatchError('CW_INVALID_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
  }
  const o = parsed.data;
  const sink = o.target === 'kafka' ? await kafkaSink(o.brokers ?? [], o.topic) : httpSink(o.url ?? '', o.token);
  const seed = o.seed ?? Date.now();
  const simulator = createSimulator({ seed, attackRate: o.attackRate });
  run.log(`simulate: seed ${seed}, ${o.rate} events/s, attack rate ${o.attackRate}, to ${o.target === 'kafka' ? `kafka ${o.topic}` : o.url}`);

  const scenarios: Record<string, number> = {};
  const attackScenarios: Record<string, number> = {};
  let traces = 0;
  let attacks = 0;
  /** Traces in flight: remaining events of each, oldest event first. */
  const inFlight: Array<{ events: readonly AgentActionEvent[]; next: number }> = [];
  const refill = (): void => {
    while (inFlight.length < o.concurrency) {
      const trace = simulator.nextTrace(Date.now());
      traces++;
      if (trace.scenario.kind === 'attack') {
        attacks++;
        attackScenarios[trace.scenario.scenario] = (attackScenarios[trace.scenario.scenario] ?? 0) + 1;
      }
      scenarios[trace.scenario.scenario] = (scenarios[trace.scenario.scenario] ?? 0) + 1;
      run.onTrace?.(trace);
      inFlight.push({ events: trace.events, next: 0 });
    }
  };
  const nextEvent = (): AgentActionEvent => {
    refill();
    let best = 0;
    for (let i = 1; i < inFlight.length; i++) {
      const a = inFlight[i]!;
      const b = inFlight[best]!;
      if (a.events[a.next]!.ts < b.events[b.next]!.ts) best = i;
    }
    const slot = inFlight[best]!;
    const event = slot.events[slot.next++]!;
    if (slot.next >= slot.events.length) inFlight.splice(best, 1);
    return event;
  };

  const started = Date.now();
  const deadline = o.durationSec !== undefined ? started + o.durationSec * 1000 : Number.POSITIVE_INFINITY;
  const limit = o.count ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  let lastProgress = started;
  const progress = (now: number): string => {
    const secs = Math.max((now - started) / 1000, 0.001);
    const byAttack = Object.entries(attackScenarios)
      .map(([name, n]) => `${name}=${n}`)
      .join(' ');
    return `simulate: sent ${sent} events in ${secs.toFixed(1)} s (${(sent / secs).toFixed(1)}/s), ${traces} traces, ${attacks} attacks${byAttack ? ` [${byAttack}]` : ''}`;
  };
  try {
    while (sent < limit && Date.now() < deadline && !run.signal?.aborted) {
      // Pace against the start: after t seconds, rate·t events should be out.
      const due = Math.min(limit, Math.floor(((Date.now() - started) / 1000) * o.rate) + 1);
      const n = Math.min(due - sent, o.batchSize);
      if (n <= 0) {
        await sleep(Math.max(1, Math.min(100, Math.ceil(1000 / o.rate))));
        continue;
      }
      const batch: AgentActionEvent[] = [];
      for (let i = 0; i < n; i++) batch.push(nextEvent());
      await sink.send(batch);
      run.onSent?.(batch);
      sent += batch.length;
      const now = Date.now();
      if (now - lastProgress >= 1000) {
        lastProgress = now;
        run.log(progress(now));
      }
    }
  } finally {
    await sink.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const summary: SimulateSummary = {
    sent,
    traces,
    attacks,
    seconds,
    eventsPerSecond: seconds > 0 ? sent / seconds : sent,
    scenarios,
    seed,
  };
  run.log(progress(Date.now()));
  const byScenario = Object.entries(scenarios)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
  run.log(`simulate: done. ${sent} events, ${traces} traces (${attacks} attacks), seed ${seed}; scenarios: ${byScenario}`);
  return summary;
}

async function kafkaSink(brokers: readonly string[], topic: string): Promise<EventSink> {
  const logger = createLogger({ name: 'chainwatch-simulate', level: process.env.LOG_LEVEL ?? 'warn' });
  const kafka = createKafka({ brokers, clientId: 'chainwatch-simulate', logger });
  // Create the input topic with its contract spec when the processor has not done it yet.
  await ensureTopics(kafka, topicSpecs({ names: { actions: topic }, only: ['actions'] }), { logger });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async send(events) {
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((e) => ({ key: e.trace_id, value: JSON.stringify(e) })),
      });
    },
    close: () => producer.disconnect(),
  };
}

/** An answer of 429 or 5xx is tried again (after the server's Retry-After when it gives one); a network error is not. */
const HTTP_SEND_RETRY: RetryPolicy = { attempts: 6, initialMs: 200, factor: 2, maxMs: 30_000, jitter: 0 };

function httpSink(url: string, token: string | undefined): EventSink {
  const endpoint = new URL('/v1/events', url).toString();
  return {
    async send(events) {
      const body = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      const res = await retry(
        () => fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body }),
        {
          policy: HTTP_SEND_RETRY,
          failed: (r) => r.status === 429 || r.status >= 500,
          retriable: (failure) => failure instanceof Response,
          delayOf: (failure) => (failure instanceof Response ? retryAfterMs(failure.headers.get('retry-after')) : undefined),
          onRetry: (failure) => void (failure as Response).body?.cancel().catch(() => undefined),
        },
      );
      if (res.ok) {
        await res.arrayBuffer();
        return;
      }
      const text = (await res.text()).slice(0, 300);
      throw new ChainwatchError('CW_INVALID_REQUEST', `POST ${endpoint} answered ${res.status}: ${text}`);
    },
    close: async () => undefined,
  };
}
