/**
 * kafkajs logs every error *response* of a broker at error level, including the ones it handles
 * itself: a retriable protocol error (metadata of a topic created a moment ago, a partition
 * leader moving) is retried, a consumer told its group is rebalancing rejoins, and a producer
 * whose send met a retriable error ("Failed to send messages: ...") refreshes metadata and
 * retries. Those lines
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

const SEND_RETRY = 'Failed to send messages: ';

/** Whether a kafkajs error-level entry reports a broker answer kafkajs itself retries or recovers from. */
export function isHandledResponseError(namespace: string, message: unknown, fields: Readonly<Record<string, unknown>>): boolean {
  if (typeof message !== 'string') return false;
  if (namespace === 'Connection') return message.startsWith('Response ') && typeof fields.error === 'string' && HANDLED_BY_KAFKAJS.has(fields.error);
  if (namespace === 'Producer') return message.startsWith(SEND_RETRY) && HANDLED_BY_KAFKAJS.has(message.slice(SEND_RETRY.length));
  return false;
}
