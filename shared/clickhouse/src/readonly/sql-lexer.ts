/**
 * Just enough of ClickHouse's lexical structure to judge a query before the engine sees it:
 * string literals ('...' with backslash escapes and '' doubling), quoted identifiers ("..." and
 * `...`), comments (-- to the end of the line, /* ... * / not nested) and bare words. When in
 * doubt it errs towards "code": a `;` it cannot place inside a string or comment ends the
 * statement, and the query is refused.
 */
export interface Token {
  readonly kind: 'word' | 'string' | 'quoted' | 'punct';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) throw new LexError('unterminated comment', i);
      i = close + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const start = i;
      i++;
      for (;;) {
        if (i >= sql.length) throw new LexError(`unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`, start);
        const d = sql[i]!;
        if (d === '\\') {
          i += 2;
          continue;
        }
        if (d === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      out.push({ kind: c === "'" ? 'string' : 'quoted', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
      continue;
    }
    out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
    i++;
  }
  return out;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}
