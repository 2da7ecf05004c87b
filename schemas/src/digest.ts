/**
 * The contract's digests, one definition each: `args_digest` of an action's arguments, the action
 * digest an approval binds to, and the canonical JSON both hash.
 */
import { hash } from 'node:crypto';
import type { Action } from './agent-action';

/**
 * Canonical JSON: object keys sorted, no white space, undefined members dropped (as JSON.stringify
 * drops them; in arrays they are null). Two values that mean the same give the same text whatever
 * order their keys arrived in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** `sha256:<hex>` of a text (one-shot crypto.hash: no Hash object per call). */
export function sha256Digest(text: string): string {
  return `sha256:${hash('sha256', text, 'hex')}`;
}

/** `args_digest`: the arguments as canonical JSON, hashed; stable across producers. */
export function argsDigest(args: unknown): string {
  return sha256Digest(canonicalJson(args));
}

/**
 * The digest of one exact action, what an approval binds to (the binding also names its session,
 * and is checked against it). It covers what the action does and to what: kind, tool, resource,
 * destination, arguments (or their digest when the arguments are not sent) and the delegated
 * session; not the fields that describe it (operation, data class, size, annotations) or what
 * came back (result entities, size, error), which the enforcement point and the runtime may fill
 * differently, before and after the call. Equal actions give equal digests in every process.
 */
export function actionDigest(action: Action): string {
  return sha256Digest(
    canonicalJson({
      kind: action.kind,
      tool: action.tool,
      resource: action.resource,
      destination: action.destination,
      args: action.args,
      args_digest: action.args_digest,
      target_session_id: action.target_session_id,
    }),
  );
}
