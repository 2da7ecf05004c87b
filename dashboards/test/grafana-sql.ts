/**
 * Turns a dashboard query into the SQL Grafana's ClickHouse plugin would send, for tests:
 * variables are interpolated the way Grafana formats them, and the plugin's macros are expanded
 * exactly as pkg/macros/macros.go of grafana/clickhouse-datasource does.
 */
export interface GrafanaQueryContext {
  /** Dashboard time range, epoch milliseconds. */
  readonly from: number;
  readonly to: number;
  /** $__interval in seconds. */
  readonly intervalSeconds: number;
  /** Variable name -> value; `{ all: '*' }` stands for an "All" entry with that custom allValue. */
  readonly variables: Readonly<Record<string, string | { all: string }>>;
}

/** Grafana's `percentencode` format (encodeURIComponentStrict). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Variable references in `sql` that do not use the injection-safe `percentencode` format. */
export function unsafeVariableReferences(sql: string): string[] {
  const withoutSafe = sql.replace(/\$\{[a-z_][a-z0-9_]*:percentencode\}/g, '').replace(/\$__[a-zA-Z_]+/g, '');
  return withoutSafe.match(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\]/g) ?? [];
}

export function renderGrafanaSql(sql: string, ctx: GrafanaQueryContext): string {
  const unsafe = unsafeVariableReferences(sql);
  if (unsafe.length > 0) throw new Error(`variables must use \${name:percentencode}: ${unsafe.join(', ')}`);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const interval = Math.max(1, Math.floor(ctx.intervalSeconds));

  let out = sql.replace(/\$\{([a-z_][a-z0-9_]*):percentencode\}/g, (_, name: string) => {
    const value = ctx.variables[name];
    if (value === undefined) throw new Error(`no value for variable ${name}`);
    // Grafana returns a custom "All" value unformatted.
    return typeof value === 'string' ? percentEncode(value) : value.all;
  });
  out = out.replace(/\$__(timeFilter|timeInterval)\(([^()]*)\)/g, (_, macro: string, arg: string) => {
    const column = arg.trim();
    if (macro === 'timeFilter') {
      return `${column} >= toDateTime(${seconds(ctx.from)}) AND ${column} <= toDateTime(${seconds(ctx.to)})`;
    }
    return `toStartOfInterval(toDateTime(${column}), INTERVAL ${interval} second)`;
  });
  out = out.replace(/\$__interval_s\b/g, String(interval));
  const leftover = /\$__[A-Za-z_]+/.exec(out);
  if (leftover) throw new Error(`unsupported macro ${leftover[0]}`);
  return out;
}
