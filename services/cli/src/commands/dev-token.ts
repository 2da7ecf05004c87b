import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `chainwatch start` leaves its development token, so local tools can find it. */
export function devTokenPath(dataDir: string): string {
  return join(dataDir, 'dev-token');
}

/** Where `chainwatch start` leaves a token with the approver role only (separation of duties: the development token cannot approve its own step-ups). */
export function devApproverTokenPath(dataDir: string): string {
  return join(dataDir, 'dev-approver-token');
}

/** The token for a local command: --token, then CHAINWATCH_TOKEN, then the dev token of `chainwatch start`. */
export function resolveToken(explicit: string | undefined, dataDir = process.env.CHAINWATCH_DATA_DIR ?? './data'): string | undefined {
  if (explicit) return explicit;
  if (process.env.CHAINWATCH_TOKEN) return process.env.CHAINWATCH_TOKEN;
  try {
    return readFileSync(devTokenPath(dataDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
