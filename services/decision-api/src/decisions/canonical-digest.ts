import { hash } from 'node:crypto';
import type { Action } from '@chainwatch/schemas';

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped. Two requests that
 * mean the same action produce the same text whatever order their fields arrived in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** One-shot sha256 (crypto.hash: no Hash object per call). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * Digest of one exact prospective action in one session: what an approval binds to. Includes the
 * tool arguments (so an approved send cannot be replayed to another recipient) and the session id
 * (so an approval in one session does not unlock the same action in another).
 */
export function actionDigest(sessionId: string, action: Action): string {
  return `sha256:${sha256Hex(canonicalJson({ session_id: sessionId, action }))}`;
}

/**
 * Digest of a validated request, for the decision log (the raw input is never logged). Hashes the
 * JSON of the schema-validated value: zod rebuilds objects in schema order, so the text does not
 * depend on the order fields arrived in (only free-form maps such as tool arguments keep theirs).
 * Cheaper than canonicalJson on the request path.
 */
export function inputDigest(validated: unknown): string {
  return `sha256:${sha256Hex(JSON.stringify(validated))}`;
}

/**
 * Digest of a request body exactly as received (the bytes the caller sent, which it can hash on its
 * side too), for the decision log. Used when the body text is at hand: no re-serialisation of the
 * parsed value on the request path.
 */
export function bodyDigest(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}
