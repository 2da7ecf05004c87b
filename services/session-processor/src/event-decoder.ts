import { createHash } from 'node:crypto';
import { AgentActionEvent } from '@chainwatch/schemas';

/** One raw input record, transport-agnostic (Kafka message or in-process log record). */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

export type InvalidReason = 'empty' | 'oversize' | 'invalid_json' | 'schema_violation' | 'processing_error';

export interface DlqIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** Value of a record on agent.actions.dlq. Carries the raw bytes so nothing is lost. */
export interface DlqRecord {
  readonly reason: InvalidReason;
  readonly detail: string;
  readonly issues: readonly DlqIssue[];
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string; readonly key: string | null };
  readonly size_bytes: number;
  readonly quarantined_at: number;
  /** SHA-256 of the complete raw value, hex. */
  readonly raw_sha256: string;
  /** The raw value, base64; cut to DLQ_RAW_MAX_BYTES (then raw_truncated) so the DLQ record always fits a Kafka message. */
  readonly raw_base64: string;
  readonly raw_truncated: boolean;
}

/** Raw bytes kept in a DLQ record at most (base64 grows it by a third; the broker's default cap is 1 MiB). */
export const DLQ_RAW_MAX_BYTES = 512 * 1024;

export type DecodeResult =
  | { readonly ok: true; readonly event: AgentActionEvent }
  | { readonly ok: false; readonly reason: InvalidReason; readonly detail: string; readonly issues: readonly DlqIssue[] };

const MAX_ISSUES = 20;

/**
 * Bytes → validated AgentActionEvent. The size cap is checked before parsing so an oversize
 * record never costs a JSON.parse. Issue messages come from the schema, never from the payload.
 */
export function decodeEvent(value: Buffer | null, maxBytes: number): DecodeResult {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty', detail: 'record has no value', issues: [] };
  if (value.length > maxBytes) {
    return { ok: false, reason: 'oversize', detail: `record is ${value.length} bytes, limit ${maxBytes}`, issues: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: err instanceof SyntaxError ? err.message.slice(0, 200) : 'not JSON', issues: [] };
  }
  const parsed = AgentActionEvent.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message.slice(0, 300),
    }));
    return { ok: false, reason: 'schema_violation', detail: `${parsed.error.issues.length} schema issue(s)`, issues };
  }
  return { ok: true, event: parsed.data };
}

export function dlqRecord(
  record: InputRecord,
  failure: { readonly reason: InvalidReason; readonly detail: string; readonly issues: readonly DlqIssue[] },
  now: number,
): DlqRecord {
  return {
    reason: failure.reason,
    detail: failure.detail,
    issues: failure.issues,
    source: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key },
    size_bytes: record.value?.length ?? 0,
    quarantined_at: now,
    raw_sha256: createHash('sha256').update(record.value ?? Buffer.alloc(0)).digest('hex'),
    raw_base64: record.value ? record.value.subarray(0, DLQ_RAW_MAX_BYTES).toString('base64') : '',
    raw_truncated: (record.value?.length ?? 0) > DLQ_RAW_MAX_BYTES,
  };
}
