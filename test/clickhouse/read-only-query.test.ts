import { describe, expect, it } from 'vitest';
import { ClickHouseException, bindHttpParams, checkQueryTree, prepareReadOnlyQuery, resolveFormat, unescapeEscaped } from '@chainwatch/clickhouse';

const code = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (err) {
    return (err as ClickHouseException).code;
  }
  return undefined;
};

describe('read-only query checks', () => {
  it('allows one SELECT or WITH, a trailing ; and a trailing FORMAT', () => {
    expect(prepareReadOnlyQuery('SELECT 1;')).toMatchObject({ sql: 'SELECT 1', format: null });
    expect(prepareReadOnlyQuery('WITH x AS (SELECT 1) SELECT * FROM x\nFORMAT jsoneachrow')).toMatchObject({ sql: 'WITH x AS (SELECT 1) SELECT * FROM x', format: 'JSONEachRow' });
    expect(prepareReadOnlyQuery('(SELECT 1) UNION ALL (SELECT 2)').format).toBeNull();
  });

  it('finds the statement end only outside strings, quoted names and comments', () => {
    expect(prepareReadOnlyQuery("SELECT 'a;b', \"c;d\", `e;f` -- ; comment\n/* ; */").sql).toContain("'a;b'");
    expect(prepareReadOnlyQuery("SELECT 'it\\'s; fine', 'x''; y'").sql).toContain('fine');
    expect(code(() => prepareReadOnlyQuery("SELECT 'a'; DROP TABLE t"))).toBe(62);
    expect(code(() => prepareReadOnlyQuery('SELECT 1 /* unterminated ; DROP'))).toBe(62);
    expect(code(() => prepareReadOnlyQuery("SELECT 'unterminated; DROP TABLE t"))).toBe(62);
  });

  it('refuses everything that is not a SELECT, INTO OUTFILE and unknown formats', () => {
    for (const sql of ['INSERT INTO t VALUES (1)', 'DROP TABLE t', 'SET readonly = 0', 'SYSTEM SHUTDOWN', 'EXPLAIN SELECT 1', 'ALTER TABLE t DELETE WHERE 1', '']) {
      expect(code(() => prepareReadOnlyQuery(sql)), sql).toBe(sql === '' ? 62 : 164);
    }
    expect(code(() => prepareReadOnlyQuery("SELECT 1 INTO OUTFILE '/tmp/x'"))).toBe(164);
    expect(code(() => prepareReadOnlyQuery('SELECT 1 FORMAT XML'))).toBe(73);
    expect(code(() => resolveFormat(prepareReadOnlyQuery('SELECT 1'), 'Bogus'))).toBe(73);
    expect(resolveFormat(prepareReadOnlyQuery('SELECT 1'), undefined)).toBe('TabSeparated');
    expect(code(() => prepareReadOnlyQuery(`SELECT '${'x'.repeat(300 * 1024)}'`))).toBe(306);
  });

  it('checks what the engine resolved: tables in the database only, no table functions, no file access', () => {
    const table = (name: string) => `QUERY id: 0\n  JOIN TREE\n    TABLE id: 3, alias: __table1, table_name: ${name}\n`;
    expect(() => checkQueryTree(table('chainwatch.findings'), 'chainwatch')).not.toThrow();
    expect(() => checkQueryTree(table('system.one'), 'chainwatch')).not.toThrow();
    expect(code(() => checkQueryTree(table('system.tables'), 'chainwatch'))).toBe(291);
    expect(code(() => checkQueryTree(table('other.findings'), 'chainwatch'))).toBe(291);
    expect(code(() => checkQueryTree('    TABLE_FUNCTION id: 3, alias: __table1, table_function_name: url\n', 'chainwatch'))).toBe(497);
    expect(code(() => checkQueryTree('      FUNCTION id: 2, function_name: file, function_type: ordinary\n', 'chainwatch'))).toBe(497);
    expect(code(() => checkQueryTree('      FUNCTION id: 2, function_name: dictGetString, function_type: ordinary\n', 'chainwatch'))).toBe(497);
  });

  it('binds HTTP parameters as the server would read them', () => {
    const q = prepareReadOnlyQuery("SELECT {s:String}, {n:UInt32}, {a:Array(String)}, {z:Nullable(String)} WHERE x = '{not:String}'");
    expect([...q.placeholders.keys()]).toEqual(['s', 'n', 'a', 'z']);
    expect(bindHttpParams(q, { s: "o\\'brien\\ttab\\\\", n: '5', a: "['x','y']", z: '\\N' })).toEqual({ s: "o'brien\ttab\\", n: '5', a: "['x','y']", z: null });
    expect(code(() => bindHttpParams(q, { s: 'x', n: '5', a: "['it\\'s']", z: 'y' }))).toBe(457);
    expect(code(() => bindHttpParams(q, { s: 'x', n: '5', a: '[]' }))).toBe(457);
    expect(unescapeEscaped('a\\nb\\x41\\q')).toBe('a\nbAq');
  });

  it('reads engine errors as ClickHouse errors', () => {
    const e = ClickHouseException.from(new Error('Query failed: Code: 60. DB::Exception: Code: 60. DB::Exception: Unknown table expression identifier `nope`. (UNKNOWN_TABLE) (version 26.7.2.1). (UNKNOWN_TABLE)'));
    expect(e).toMatchObject({ code: 60, type: 'UNKNOWN_TABLE', status: 404 });
    expect(e.body).toMatch(/^Code: 60\. DB::Exception: Unknown table expression identifier `nope`\. \(UNKNOWN_TABLE\)\n$/);
  });
});
