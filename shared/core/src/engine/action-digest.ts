/**
 * Digest of an exact action, for approval bindings: tool, kind, destination, resource and the
 * arguments in a key-sorted canonical form. Equal actions give equal digests across processes.
 */
import type { Action } from '@chainwatch/schemas';
import { hex64 } from '../state/hash';

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

export function actionDigest(action: Action): string {
  return `a-${hex64(canonical({ t: action.tool, k: action.kind, d: action.destination ?? null, r: action.resource ?? null, a: action.args ?? null, s: action.target_session_id ?? null }))}`;
}
