import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The processor's Prometheus instruments, registered on a caller-supplied Registry. */
export interface ProcessorMetrics {
  /** Events accepted by the engine (not duplicates, not invalid). */
  readonly eventsProcessed: Counter<string>;
  /** Records sent to the DLQ, by reason. */
  readonly eventsInvalid: Counter<'reason'>;
  /** Events whose event_id the session had already seen. */
  readonly eventsDuplicate: Counter<string>;
  readonly findings: Counter<'detector' | 'severity'>;
  readonly sessionsHeld: Gauge<string>;
  /** Wall time to process one chunk of records, outputs included. */
  readonly batchSeconds: Histogram<string>;
  /** Wall clock minus event ts at processing time (end-to-end lag), sampled once per chunk. */
  readonly eventLagSeconds: Histogram<string>;
  readonly tracesEvicted: Counter<string>;
  readonly tracesRestored: Counter<string>;
  /** Output sends that failed and were retried. */
  readonly outputRetries: Counter<string>;
  /** Approval answers read: recorded in a held session, pending (session not held) or already known, invalid. */
  readonly approvals: Counter<'applied'>;
}

export function createProcessorMetrics(registry: Registry, prefix = 'chainwatch_processor_'): ProcessorMetrics {
  const registers = [registry];
  return {
    eventsProcessed: new Counter({ name: `${prefix}events_processed_total`, help: 'Events observed by the detection engine', registers }),
    eventsInvalid: new Counter({
      name: `${prefix}events_invalid_total`,
      help: 'Input records quarantined to the DLQ, by reason',
      labelNames: ['reason'],
      registers,
    }),
    eventsDuplicate: new Counter({ name: `${prefix}events_duplicate_total`, help: 'Events ignored as duplicates (event_id already seen)', registers }),
    findings: new Counter({
      name: `${prefix}findings_total`,
      help: 'Findings raised, by detector and severity',
      labelNames: ['detector', 'severity'],
      registers,
    }),
    sessionsHeld: new Gauge({ name: `${prefix}sessions`, help: 'Sessions held in memory', registers }),
    batchSeconds: new Histogram({
      name: `${prefix}batch_duration_seconds`,
      help: 'Time to process a chunk of records, outputs included',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    eventLagSeconds: new Histogram({
      name: `${prefix}event_lag_seconds`,
      help: 'Wall clock minus event time when processed',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    }),
    tracesEvicted: new Counter({ name: `${prefix}traces_evicted_total`, help: 'Traces dropped after idling', registers }),
    tracesRestored: new Counter({ name: `${prefix}traces_restored_total`, help: 'Traces restored from the session-state topic', registers }),
    outputRetries: new Counter({ name: `${prefix}output_retries_total`, help: 'Output sends that failed and were retried', registers }),
    approvals: new Counter({
      name: `${prefix}approvals_total`,
      help: 'Approval answers read from the approvals topic: session (recorded in a held session), pending_or_known, invalid',
      labelNames: ['applied'],
      registers,
    }),
  };
}
