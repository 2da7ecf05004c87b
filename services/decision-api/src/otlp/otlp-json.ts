/**
 * OTLP/JSON (the protobuf JSON mapping of ExportTraceServiceRequest, as the OTLP specification
 * fixes it: lowerCamelCase fields, ids in hex, 64-bit integers as decimal strings, enums as
 * integers). Validated with zod, bounded; unknown fields ignored as OTLP requires.
 */
import { z } from 'zod';
import { nanosToMs, type AttrValue, type SpanView } from './otlp-spans';

const MAX_DEPTH = 8;

type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: { key: string; value?: JsonAnyValue }[] };
  bytesValue?: string;
};

const AnyValue: z.ZodType<JsonAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.object({ values: z.array(AnyValue).max(1024).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(z.object({ key: z.string(), value: AnyValue.optional() })).max(1024).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const KeyValues = z.array(z.object({ key: z.string().max(256), value: AnyValue.optional() })).max(1024).default([]);
const HexId = z.string().regex(/^[0-9a-fA-F]*$/).max(64).default('');

const Span = z.object({
  traceId: HexId,
  spanId: HexId,
  parentSpanId: HexId.optional(),
  name: z.string().max(1024).default(''),
  kind: z.number().int().default(0),
  startTimeUnixNano: z.union([z.string(), z.number()]).default('0'),
  attributes: KeyValues,
  status: z.object({ code: z.number().int().default(0) }).optional(),
});

export const OtlpJsonRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: KeyValues }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(Span).max(100_000).default([]) })).default([]),
      }),
    )
    .default([]),
});

export function anyValue(v: JsonAnyValue | undefined, depth = 0): AttrValue {
  if (v === undefined || depth > MAX_DEPTH) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map((x) => anyValue(x, depth + 1));
  if (v.kvlistValue !== undefined) {
    const out: Record<string, AttrValue> = {};
    for (const kv of v.kvlistValue.values ?? []) out[kv.key] = anyValue(kv.value, depth + 1);
    return out;
  }
  if (v.bytesValue !== undefined) return new Uint8Array(Buffer.from(v.bytesValue, 'base64'));
  return null;
}

function attributes(list: readonly { key: string; value?: JsonAnyValue | undefined }[]): Map<string, AttrValue> {
  const m = new Map<string, AttrValue>();
  for (const kv of list) m.set(kv.key, anyValue(kv.value));
  return m;
}

/** The spans of an OTLP/JSON request; throws a zod error when the body is not one. */
export function spansFromJson(body: unknown): SpanView[] {
  const req = OtlpJsonRequest.parse(body);
  const out: SpanView[] = [];
  for (const rs of req.resourceSpans) {
    const resource = attributes(rs.resource?.attributes ?? []);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        out.push({
          traceId: s.traceId.toLowerCase(),
          spanId: s.spanId.toLowerCase(),
          parentSpanId: (s.parentSpanId ?? '').toLowerCase(),
          name: s.name,
          kind: s.kind,
          startMs: nanosToMs(s.startTimeUnixNano),
          statusCode: s.status?.code ?? 0,
          attributes: attributes(s.attributes),
          resource,
        });
      }
    }
  }
  return out;
}
