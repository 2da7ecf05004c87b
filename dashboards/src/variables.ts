import { CLICKHOUSE_DATASOURCE } from './clickhouse-datasource';
import type { CustomVariable, QueryVariable } from './grafana-model';

export interface QueryVariableInput {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** SQL returning one column of values, in display order. */
  readonly sql: string;
  /**
   * Adds an "All" entry whose value is `allValue`. Queries compare against that sentinel
   * (e.g. `'*'`) instead of relying on how Grafana expands "All" to a list.
   */
  readonly allValue?: string;
}

/** A dropdown filled by a ClickHouse query, refreshed when the time range changes. */
export function queryVariable(input: QueryVariableInput): QueryVariable {
  const sql = input.sql.trim().replace(/\s+/g, ' ');
  const all = input.allValue !== undefined;
  return {
    type: 'query',
    name: input.name,
    label: input.label,
    description: input.description,
    hide: 0,
    datasource: CLICKHOUSE_DATASOURCE,
    query: sql,
    definition: sql,
    refresh: 2,
    sort: 0,
    multi: false,
    includeAll: all,
    ...(all ? { allValue: input.allValue } : {}),
    current: all ? { text: 'All', value: '$__all' } : { text: '', value: '' },
    options: [],
  };
}

export interface CustomVariableInput {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly values: readonly string[];
  readonly initial: string;
}

/** A fixed list of values (e.g. the risk levels). */
export function customVariable(input: CustomVariableInput): CustomVariable {
  if (!input.values.includes(input.initial)) throw new Error(`${input.name}: initial value ${input.initial} is not an option`);
  for (const v of input.values) {
    if (v.includes(',')) throw new Error(`${input.name}: custom variable values cannot contain a comma`);
  }
  return {
    type: 'custom',
    name: input.name,
    label: input.label,
    description: input.description,
    hide: 0,
    query: input.values.join(','),
    multi: false,
    includeAll: false,
    current: { text: input.initial, value: input.initial },
    options: input.values.map((v) => ({ text: v, value: v, selected: v === input.initial })),
  };
}
