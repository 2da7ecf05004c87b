/**
 * An error in ClickHouse's own shape (`Code: N. DB::Exception: message. (TYPE)`), so ClickHouse
 * clients (the Grafana plugin, @clickhouse/client) report it as they would a server's, with the
 * HTTP status ClickHouse itself would answer.
 */
export class ClickHouseException extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClickHouseException';
  }

  /** The response body ClickHouse's HTTP interface sends. */
  get body(): string {
    return `Code: ${this.code}. DB::Exception: ${this.message.replace(/\.$/, '')}. (${this.type})\n`;
  }

  /** The HTTP status ClickHouse maps this code to. */
  get status(): number {
    return STATUS_BY_CODE[this.code] ?? 500;
  }

  /** An engine error text (`Query failed: Code: 60. DB::Exception: ... (UNKNOWN_TABLE)`), or a generic one. */
  static from(err: unknown): ClickHouseException {
    if (err instanceof ClickHouseException) return err;
    const text = err instanceof Error ? err.message : String(err);
    const m = /Code: (\d+)\.\s*(?:DB::Exception: )?([\s\S]*?)\s*\(([A-Z][A-Z0-9_]+)\)(?: \(version [^)]*\))?\.?\s*$/.exec(text.split('\n')[0] ?? text);
    if (m) {
      // Nested "Code: N. DB::Exception:" prefixes (the embedded engine repeats them) are dropped.
      const message = (m[2] ?? '')
        .replace(/^(?:Code: \d+\. DB::Exception: )+/, '')
        .replace(/(?:\s*\([A-Z][A-Z0-9_]+\))?(?:\s*\(version [^)]*\))?\.?\s*$/, '');
      return new ClickHouseException(Number(m[1]), m[3] ?? 'UNKNOWN_EXCEPTION', message);
    }
    return new ClickHouseException(1002, 'UNKNOWN_EXCEPTION', text.split('\n')[0]?.slice(0, 300) ?? 'error');
  }
}

export const CH = {
  SYNTAX_ERROR: [62, 'SYNTAX_ERROR'],
  UNKNOWN_FORMAT: [73, 'UNKNOWN_FORMAT'],
  READONLY: [164, 'READONLY'],
  TOO_MANY_SIMULTANEOUS_QUERIES: [202, 'TOO_MANY_SIMULTANEOUS_QUERIES'],
  DATABASE_ACCESS_DENIED: [291, 'DATABASE_ACCESS_DENIED'],
  QUERY_IS_TOO_LARGE: [306, 'QUERY_IS_TOO_LARGE'],
  BAD_QUERY_PARAMETER: [457, 'BAD_QUERY_PARAMETER'],
  ACCESS_DENIED: [497, 'ACCESS_DENIED'],
} as const;

export function chError(which: keyof typeof CH, message: string): ClickHouseException {
  const [code, type] = CH[which];
  return new ClickHouseException(code, type, message);
}

/** As in ClickHouse's HTTPHandler: client mistakes are 4xx, the rest 500. */
const STATUS_BY_CODE: Record<number, number> = {
  16: 400, // NO_SUCH_COLUMN_IN_TABLE
  36: 400, // BAD_ARGUMENTS
  46: 404, // UNKNOWN_FUNCTION
  47: 404, // UNKNOWN_IDENTIFIER
  60: 404, // UNKNOWN_TABLE
  62: 400, // SYNTAX_ERROR
  73: 400, // UNKNOWN_FORMAT
  81: 404, // UNKNOWN_DATABASE
  164: 403, // READONLY
  202: 503, // TOO_MANY_SIMULTANEOUS_QUERIES
  291: 403, // DATABASE_ACCESS_DENIED
  306: 413, // QUERY_IS_TOO_LARGE
  457: 400, // BAD_QUERY_PARAMETER
  497: 403, // ACCESS_DENIED
  159: 504, // TIMEOUT_EXCEEDED
};
