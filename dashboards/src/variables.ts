import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE } from './datasources';

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
export function queryVariable(input: QueryVariableInput): dashboard.QueryVariableBuilder {
  const sql = input.sql.trim().replace(/\s+/g, ' ');
  const all = input.allValue !== undefined;
  const v = new dashboard.QueryVariableBuilder(input.name)
    .label(input.label)
    .description(input.description)
    .hide(dashboard.VariableHide.DontHide)
    .datasource(CLICKHOUSE_DATASOURCE)
    .query(sql)
    .definition(sql)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.Disabled)
    .multi(false)
    .includeAll(all)
    .current(all ? { text: 'All', value: '$__all' } : { text: '', value: '' })
    .options([]);
  if (input.allValue !== undefined) v.allValue(input.allValue);
  return v;
}

export interface CustomVariableInput {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly values: readonly string[];
  readonly initial: string;
}

/** A fixed list of values (e.g. the risk levels). */
export function customVariable(input: CustomVariableInput): dashboard.CustomVariableBuilder {
  if (!input.values.includes(input.initial)) throw new Error(`${input.name}: initial value ${input.initial} is not an option`);
  for (const v of input.values) {
    if (v.includes(',')) throw new Error(`${input.name}: custom variable values cannot contain a comma`);
  }
  return new dashboard.CustomVariableBuilder(input.name)
    .label(input.label)
    .description(input.description)
    .hide(dashboard.VariableHide.DontHide)
    .values(input.values.join(','))
    .multi(false)
    .includeAll(false)
    .current({ text: input.initial, value: input.initial })
    .options(input.values.map((v) => ({ text: v, value: v, selected: v === input.initial })));
}
