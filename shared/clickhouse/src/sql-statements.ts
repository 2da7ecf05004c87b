/**
 * Splits a migration file into statements at `;` that ends a line (only whitespace or a `--`
 * comment after it), ignoring `;` inside string literals, quoted identifiers and comments.
 * Comment-only chunks are dropped.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
      continue;
    }
    if (c === '-' && next === '-') {
      i = skipToLineEnd(sql, i);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === ';' && restOfLineIsBlank(sql, i + 1)) {
      push(statements, sql.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  push(statements, sql.slice(start));
  return statements;
}

function push(out: string[], chunk: string): void {
  const text = chunk.trim();
  if (stripComments(text).trim().length > 0) out.push(text);
}

function skipQuoted(sql: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return i;
}

function skipToLineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end < 0 ? sql.length : end;
}

function restOfLineIsBlank(sql: string, from: number): boolean {
  const lineEnd = skipToLineEnd(sql, from);
  const rest = sql.slice(from, lineEnd).trim();
  return rest.length === 0 || rest.startsWith('--');
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/--[^\n]*/g, '');
}
