/**
 * OTLP/HTTP protobuf: ExportTraceServiceRequest decoded with protobufjs from the official
 * opentelemetry-proto definitions (services/decision-api/proto, tag v1.11.0), loaded once.
 * See docs/decisions/0003-otlp-decoding.md for why.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { hex, nanosToMs, type AttrValue, type SpanView } from './otlp-spans';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');
const MAX_DEPTH = 8;

interface ProtoTypes {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
}

let types: ProtoTypes | null = null;

function load(): ProtoTypes {
  if (types !== null) return types;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
  types = {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  };
  return types;
}

interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: { toString(): string } | number;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key?: string;
  value?: PbAnyValue;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: { toString(): string } | number;
  attributes?: PbKeyValue[];
  status?: { code?: number };
}
interface PbRequest {
  resourceSpans?: { resource?: { attributes?: PbKeyValue[] }; scopeSpans?: { spans?: PbSpan[] }[] }[];
}

function anyValue(v: PbAnyValue | undefined, depth = 0): AttrValue {
  if (v === undefined || depth > MAX_DEPTH) return null;
  // protobufjs sets only the member of the oneof that is present.
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue.toString());
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map((x) => anyValue(x, depth + 1));
  if (v.kvlistValue !== undefined) {
    const out: Record<string, AttrValue> = {};
    for (const kv of v.kvlistValue.values ?? []) if (kv.key !== undefined) out[kv.key] = anyValue(kv.value, depth + 1);
    return out;
  }
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function attributes(list: readonly PbKeyValue[] | undefined): Map<string, AttrValue> {
  const m = new Map<string, AttrValue>();
  for (const kv of list ?? []) if (kv.key !== undefined) m.set(kv.key, anyValue(kv.value));
  return m;
}

/** The spans of a protobuf ExportTraceServiceRequest; throws when the bytes are not one. */
export function spansFromProtobuf(body: Uint8Array): SpanView[] {
  const { request } = load();
  const msg = request.toObject(request.decode(body), { longs: String, defaults: false, oneofs: false }) as PbRequest;
  const out: SpanView[] = [];
  for (const rs of msg.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name ?? '',
          kind: s.kind ?? 0,
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

/** ExportTraceServiceResponse as protobuf bytes (partial success when spans were rejected). */
export function encodeProtobufResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const { response } = load();
  const body = rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return response.encode(response.create(body)).finish();
}
