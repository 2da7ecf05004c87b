/**
 * kafkajs logs every error *response* of a broker at error level, including the ones it handles
 * itself: a retriable protocol error (metadata of a topic created a moment ago, a partition
 * leader moving) is retried, and a consumer told its group is rebalancing rejoins. Those lines
 * are warnings: when the handling fails (retries exhausted, the consumer crashes), kafkajs raises
 * an error that the caller sees and logs at error level. Every other error line stays an error.
 */
import { createRequire } from 'node:module';

interface ProtocolErrorCode {
  readonly type: string;
  readonly retriable: boolean;
  readonly message: string;
}

const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: readonly ProtocolErrorCode[] };

/** Group-membership answers the consumer handles by rejoining (kafkajs marks them non-retriable). */
const REJOIN_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'MEMBER_ID_REQUIRED']);

const HANDLED_BY_KAFKAJS = new Set(errorCodes.filter((e) => e.retriable || REJOIN_TYPES.has(e.type)).map((e) => e.message));

/** Whether a kafkajs error-level entry is a broker response kafkajs itself retries or recovers from. */
export function isHandledResponseError(namespace: string, message: unknown, fields: Readonly<Record<string, unknown>>): boolean {
  return namespace === 'Connection' && typeof message === 'string' && message.startsWith('Response ') && typeof fields.error === 'string' && HANDLED_BY_KAFKAJS.has(fields.error);
}
