/**
 * The error catalogue: stable codes, a message, an HTTP status and whether a retry can help.
 * docs/errors.md lists the same codes; a test keeps the two in sync.
 */
export const ERRORS = {
  CW_CONFIG_INVALID: { status: 500, retriable: false, message: 'invalid configuration' },
  CW_KAFKA_UNREACHABLE: { status: 503, retriable: true, message: 'Kafka broker unreachable' },
  CW_CLICKHOUSE_UNAVAILABLE: { status: 503, retriable: true, message: 'ClickHouse unavailable' },
  CW_DATA_DIR_UNWRITABLE: { status: 500, retriable: false, message: 'data directory is not writable' },
  CW_DATA_DIR_LOCKED: { status: 409, retriable: false, message: 'data directory is in use' },
  CW_PORT_IN_USE: { status: 500, retriable: false, message: 'port in use' },
  CW_FILE_NOT_FOUND: { status: 400, retriable: false, message: 'no such file' },
  CW_SERVER_UNREACHABLE: { status: 503, retriable: true, message: 'cannot reach Chainwatch' },
  CW_INVALID_EVENT: { status: 400, retriable: false, message: 'event failed validation' },
  CW_INVALID_REQUEST: { status: 400, retriable: false, message: 'request failed validation' },
  CW_UNAUTHENTICATED: { status: 401, retriable: false, message: 'missing or invalid bearer token' },
  CW_FORBIDDEN: { status: 403, retriable: false, message: 'token lacks the required role' },
  CW_PAYLOAD_TOO_LARGE: { status: 413, retriable: false, message: 'request body too large' },
  CW_RATE_LIMITED: { status: 429, retriable: true, message: 'rate limit exceeded' },
  CW_NOT_FOUND: { status: 404, retriable: false, message: 'not found' },
  CW_APPROVAL_INVALID: { status: 409, retriable: false, message: 'approval binding unknown, expired or already answered' },
  CW_APPROVAL_SELF: { status: 403, retriable: false, message: 'a step-up cannot be answered by the subject that asked for it' },
  CW_VIEW_NOT_READY: { status: 503, retriable: true, message: 'live view not caught up yet' },
  CW_OVERLOADED: { status: 503, retriable: true, message: 'ingestion is at its bound' },
  CW_WRITER_STALLED: { status: 503, retriable: true, message: 'the trace writer is not making progress' },
  CW_POLICY_INVALID: { status: 500, retriable: false, message: 'policy (rules or catalog) failed validation' },
  CW_INVALID_INPUT: { status: 400, retriable: false, message: 'input file failed validation' },
  CW_USAGE: { status: 400, retriable: false, message: 'usage error' },
  CW_MIGRATION_FAILED: { status: 500, retriable: false, message: 'ClickHouse migration failed' },
  CW_ROW_UNMAPPABLE: { status: 400, retriable: false, message: 'record cannot be stored as a row' },
  CW_WRITER_STOPPED: { status: 503, retriable: true, message: 'trace writer stopped before the batch was stored' },
  CW_DECISION_UNAVAILABLE: { status: 503, retriable: true, message: 'decision service unavailable' },
  CW_INTERNAL: { status: 500, retriable: true, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class ChainwatchError extends Error {
  readonly status: number;
  readonly retriable: boolean;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const entry = ERRORS[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message, options);
    this.name = 'ChainwatchError';
    this.status = entry.status;
    this.retriable = entry.retriable;
  }
}
