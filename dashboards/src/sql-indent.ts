/** Indents every line of a SQL fragment, so a fragment nested in a subquery reads as nested. */
export function indentSql(sql: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return sql
    .split('\n')
    .map((line) => (line.trim().length > 0 ? pad + line : line))
    .join('\n');
}
