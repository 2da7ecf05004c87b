import { sha256Digest } from '@chainwatch/schemas';

/**
 * Digest of a validated request, for the decision log (the raw input is never logged). Hashes the
 * JSON of the schema-validated value: zod rebuilds objects in schema order, so the text does not
 * depend on the order fields arrived in (only free-form maps such as tool arguments keep theirs).
 * Cheaper than canonical JSON on the request path.
 */
export function inputDigest(validated: unknown): string {
  return sha256Digest(JSON.stringify(validated));
}

/**
 * Digest of a request body exactly as received (the bytes the caller sent, which it can hash on its
 * side too), for the decision log. Used when the body text is at hand: no re-serialisation of the
 * parsed value on the request path.
 */
export function bodyDigest(text: string): string {
  return sha256Digest(text);
}
