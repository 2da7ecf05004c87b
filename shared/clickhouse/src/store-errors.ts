/**
 * ClickHouse error types that mean "this data cannot be stored as it is": a value that does not
 * parse, does not fit its column, or breaks a constraint. Retrying the same rows cannot help;
 * splitting the insert finds the row at fault. Everything else (connection refused, timeouts, too
 * many parts, memory, a missing table) is treated as the store being unavailable: retried until
 * it comes back.
 */
const ROW_REJECTION_TYPES =
  /^(CANNOT_PARSE_[A-Z_]+|CANNOT_CONVERT_TYPE|CANNOT_READ_ALL_DATA|ATTEMPT_TO_READ_AFTER_EOF|INCORRECT_DATA|TYPE_MISMATCH|VIOLATED_CONSTRAINT|TOO_LARGE_STRING_SIZE|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE|CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN|ARGUMENT_OUT_OF_BOUND|DECIMAL_OVERFLOW|TOO_LARGE_ARRAY_SIZE)$/;

/** The ClickHouse error type (e.g. CANNOT_PARSE_ESCAPE_SEQUENCE), when the error carries one. */
export function clickHouseErrorType(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(type) ? type : undefined;
}

/** True when ClickHouse refused the data itself (not when it was unavailable). */
export function isRowRejection(err: unknown): boolean {
  const type = clickHouseErrorType(err);
  return type !== undefined && ROW_REJECTION_TYPES.test(type);
}
