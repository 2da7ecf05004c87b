/**
 * OTLP trace requests, JSON or protobuf, reduced to what the GenAI mapping reads: each span's ids
 * (lowercase hex), parent, kind, start time, status and attributes (with its resource's attributes).
 * Attribute values keep their OTLP types: strings, numbers, booleans, arrays and key-value lists.
 */

export type AttrValue = string | number | boolean | Uint8Array | AttrValue[] | { readonly [key: string]: AttrValue } | null;

export interface SpanView {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  /** Epoch milliseconds (from start_time_unix_nano). */
  readonly startMs: number;
  /** OTLP Status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly attributes: ReadonlyMap<string, AttrValue>;
  readonly resource: ReadonlyMap<string, AttrValue>;
}

export const SPAN_KIND_SERVER = 2;
export const STATUS_ERROR = 2;

/** Nanoseconds since the epoch (decimal string, number or bigint-like) to milliseconds. */
export function nanosToMs(v: unknown): number {
  if (typeof v === 'number') return Math.floor(v / 1e6);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return Number(BigInt(v) / 1_000_000n);
  if (v !== null && typeof v === 'object' && 'toString' in v) {
    const s = String(v);
    if (/^\d{1,20}$/.test(s)) return Number(BigInt(s) / 1_000_000n);
  }
  return 0;
}

export function hex(bytes: Uint8Array | undefined | null): string {
  return bytes === undefined || bytes === null ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** An attribute as text: strings as they are, structured values as JSON, absent as undefined. */
export function attrText(v: AttrValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return undefined;
  return JSON.stringify(v);
}

export function attrString(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
