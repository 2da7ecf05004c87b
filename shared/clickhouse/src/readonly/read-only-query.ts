/**
 * The checks a query passes before the read-only ClickHouse endpoint runs it, and after the
 * engine has resolved it (EXPLAIN QUERY TREE):
 *
 * - one statement, starting with SELECT or WITH; no INTO OUTFILE;
 * - an optional trailing FORMAT clause, from the allowed output formats;
 * - every table it reads in the Chainwatch database; no table functions (numbers(), url(),
 *   file(), remote() ...); no functions that read outside the database (file(), dictGet ...).
 *
 * The engine session it runs on is read-only as well (readonly = 1), so a check that misses
 * something still cannot write.
 */
import { chError } from './clickhouse-exception';
import { tokenize, type LexError, type Token } from './sql-lexer';

export const MAX_QUERY_BYTES = 256 * 1024;

/** Output formats the endpoint serves, with their content types. */
export const OUTPUT_FORMATS: Readonly<Record<string, string>> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  JSONStrings: 'application/json; charset=UTF-8',
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONStringsEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRowWithNames: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRowWithNamesAndTypes: 'application/x-ndjson; charset=UTF-8',
  JSONObjectEachRow: 'application/json; charset=UTF-8',
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
  TabSeparatedWithNames: 'text/tab-separated-values; charset=UTF-8',
  TabSeparatedWithNamesAndTypes: 'text/tab-separated-values; charset=UTF-8',
  TabSeparatedRaw: 'text/tab-separated-values; charset=UTF-8',
  TSV: 'text/tab-separated-values; charset=UTF-8',
  TSVWithNames: 'text/tab-separated-values; charset=UTF-8',
  TSVWithNamesAndTypes: 'text/tab-separated-values; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  Native: 'application/octet-stream',
  RowBinary: 'application/octet-stream',
  RowBinaryWithNamesAndTypes: 'application/octet-stream',
  Parquet: 'application/octet-stream',
  Values: 'text/plain; charset=UTF-8',
  Pretty: 'text/plain; charset=UTF-8',
  PrettyCompact: 'text/plain; charset=UTF-8',
};

const FORMAT_BY_LOWER = new Map(Object.keys(OUTPUT_FORMATS).map((f) => [f.toLowerCase(), f]));

export interface PreparedQuery {
  /** The statement without a trailing `;` or FORMAT clause. */
  readonly sql: string;
  /** The FORMAT clause's format, canonically spelt, when the query has one. */
  readonly format: string | null;
  /** Parameter placeholders `{name:Type}`, by name. */
  readonly placeholders: ReadonlyMap<string, string>;
}

export function prepareReadOnlyQuery(text: string): PreparedQuery {
  if (Buffer.byteLength(text) > MAX_QUERY_BYTES) throw chError('QUERY_IS_TOO_LARGE', `Query is larger than ${MAX_QUERY_BYTES} bytes`);
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    throw chError('SYNTAX_ERROR', `Syntax error: ${(err as LexError).message}`);
  }
  // A single trailing `;` is allowed; any other ends a statement and starts another.
  while (tokens.length > 0 && tokens.at(-1)?.text === ';') tokens = tokens.slice(0, -1);
  const semicolon = tokens.find((t) => t.kind === 'punct' && t.text === ';');
  if (semicolon) throw chError('SYNTAX_ERROR', `Multi-statements are not allowed: ';' at position ${semicolon.start}`);
  if (tokens.length === 0) throw chError('SYNTAX_ERROR', 'Empty query');

  const first = tokens.find((t) => !(t.kind === 'punct' && t.text === '('));
  const verb = first?.kind === 'word' ? first.text.toUpperCase() : '';
  if (verb !== 'SELECT' && verb !== 'WITH') {
    throw chError('READONLY', `Cannot execute query in readonly mode: this endpoint runs SELECT queries only, not ${verb || 'this statement'}`);
  }
  const words = tokens.filter((t) => t.kind === 'word').map((t) => t.text.toUpperCase());
  if (words.includes('OUTFILE')) throw chError('READONLY', 'Cannot execute query in readonly mode: INTO OUTFILE is not allowed');

  let end = tokens.at(-1)!.end;
  let format: string | null = null;
  const last = tokens.at(-1)!;
  const beforeLast = tokens.at(-2);
  if (beforeLast?.kind === 'word' && beforeLast.text.toUpperCase() === 'FORMAT' && (last.kind === 'word' || last.kind === 'quoted')) {
    const name = last.kind === 'quoted' ? last.text.slice(1, -1) : last.text;
    format = FORMAT_BY_LOWER.get(name.toLowerCase()) ?? null;
    if (format === null) throw unknownFormat(name);
    end = beforeLast.start;
  }

  const placeholders = new Map<string, string>();
  const code = tokens.filter((t) => t.start < end && t.kind !== 'string').map((t) => t.text).join(' ');
  for (const m of code.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+?)\s*\}/g)) placeholders.set(m[1]!, m[2]!.replace(/\s+/g, ''));
  return { sql: text.slice(0, end).trimEnd(), format, placeholders };
}

export function resolveFormat(prepared: PreparedQuery, defaultFormat: string | undefined): string {
  if (prepared.format) return prepared.format;
  if (defaultFormat === undefined || defaultFormat === '') return 'TabSeparated';
  const format = FORMAT_BY_LOWER.get(defaultFormat.toLowerCase());
  if (!format) throw unknownFormat(defaultFormat);
  return format;
}

function unknownFormat(name: string) {
  return chError('UNKNOWN_FORMAT', `Unknown output format ${JSON.stringify(name.slice(0, 64))}; this endpoint serves ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
}

/** Functions that read outside the database (files, dictionaries, join tables, other servers). */
const DENIED_FUNCTIONS = /^(file|filecluster|url|urlcluster|s3|s3cluster|hdfs|remote|remotesecure|cluster|clusterallreplicas|input|executable|dictget.*|dicthas|dictisin|dictgethierarchy|dictgetchildren|dictgetdescendants|joinget|joingetornull|getserversetting|getmergetreesetting)$/i;

/**
 * Checks the engine's resolved query tree (EXPLAIN QUERY TREE text): every table in `database`,
 * no table function, no denied function.
 */
export function checkQueryTree(tree: string, database: string): void {
  for (const m of tree.matchAll(/\bTABLE id: \d+[^\n]*?\btable_name: ([^\s,]+)/g)) {
    const name = m[1]!.replaceAll('`', '');
    const db = name.includes('.') ? name.slice(0, name.indexOf('.')) : '';
    // A SELECT without FROM reads the engine's one-row dummy table.
    if (db !== database && name !== 'system.one') {
      throw chError('DATABASE_ACCESS_DENIED', `Access to ${name} is denied: this endpoint reads the ${database} database only`);
    }
  }
  const tableFunction = /\bTABLE_FUNCTION id: \d+[^\n]*?\btable_function_name: ([A-Za-z0-9_]+)/.exec(tree);
  if (tableFunction) throw chError('ACCESS_DENIED', `Table function ${tableFunction[1]}() is not allowed: this endpoint reads the ${database} database only`);
  for (const m of tree.matchAll(/\bFUNCTION id: \d+, function_name: ([A-Za-z0-9_]+)/g)) {
    if (DENIED_FUNCTIONS.test(m[1]!)) throw chError('ACCESS_DENIED', `Function ${m[1]}() is not allowed on this endpoint`);
  }
}

/**
 * `param_<name>` values of the HTTP interface (text in ClickHouse's Escaped format) as values for
 * the embedded engine's binder, which escapes strings itself: string-typed parameters are
 * unescaped, `\N` is NULL, and any other value must be free of escapes (composite literals with
 * escapes cannot be passed through faithfully, so they are refused rather than altered).
 */
export function bindHttpParams(prepared: PreparedQuery, raw: Readonly<Record<string, string>>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, type] of prepared.placeholders) {
    const value = raw[name];
    if (value === undefined) throw chError('BAD_QUERY_PARAMETER', `Substitution ${name} is not set (send it as param_${name})`);
    if (value === '\\N' && /^Nullable\(/i.test(type)) {
      out[name] = null;
      continue;
    }
    if (/^(Nullable\()?(LowCardinality\()?(Nullable\()?(String|FixedString\(\d+\)|Enum(8|16)?\(.*\)|UUID)\)*$/i.test(type)) {
      out[name] = unescapeEscaped(value);
      continue;
    }
    if (value.includes('\\')) {
      throw chError('BAD_QUERY_PARAMETER', `Value of parameter ${name} (${type}) contains an escape sequence, which this endpoint cannot bind faithfully`);
    }
    out[name] = value;
  }
  return out;
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', '`': '`', t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v', e: '\x1b' };

/** ClickHouse's Escaped format (TSV): backslash sequences to characters. */
export function unescapeEscaped(text: string): string {
  return text.replace(/\\(x[0-9A-Fa-f]{2}|[\s\S])/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e)));
}
