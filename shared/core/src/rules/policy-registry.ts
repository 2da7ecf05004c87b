/**
 * Folds validated items, in load order, into the effective lists, macros and rules, applying the
 * override semantics:
 * - `user_*` lists and macros: a later definition replaces the earlier one (operator exceptions);
 * - any list: `append: true` appends to a list defined earlier;
 * - other lists and macros: redefining is an error unless `override: true`;
 * - rules: a duplicate id is an error unless `override: true`; `- rule: ID` with only `enabled`
 *   switches an earlier rule on or off.
 */
import { detectorRule } from '../registry/detector-rules';
import type { ListItem, MacroItem, RuleException, RuleItem } from './rule-file-schema';
import type { LocatedItem } from './policy-source';
import type { RuleIssue } from './rule-set-error';
import { RESERVED_NAMES } from './cel-environment';

export interface Located<T> {
  readonly def: T;
  readonly file: string;
  readonly line: number | undefined;
}

/** Operator tuning of a rule a detector raises. */
export interface DetectorTuning {
  readonly enabled: boolean;
  readonly severity?: RuleItem['severity'];
  readonly confidence?: number;
  readonly exceptions: readonly Located<RuleException>[];
}

export interface PolicyRegistry {
  readonly lists: Map<string, Located<{ items: string[] }>>;
  readonly macros: Map<string, Located<MacroItem>>;
  readonly rules: Map<string, Located<RuleItem>>;
  /** Tuning of detector-raised rule ids (registry/detector-rules.ts), by id. */
  readonly tunings: Map<string, DetectorTuning>;
}

export const isUserName = (name: string): boolean => name.startsWith('user_');

export function buildRegistry(items: readonly LocatedItem[], issues: RuleIssue[]): PolicyRegistry {
  const reg: PolicyRegistry = { lists: new Map(), macros: new Map(), rules: new Map(), tunings: new Map() };
  for (const { item, file, line } of items) {
    const at = (label: string, message: string): void => {
      issues.push({ file, line, item: label, message });
    };
    switch (item.kind) {
      case 'list':
        addList(reg, item.def, file, line, at);
        break;
      case 'macro':
        addMacro(reg, item.def, file, line, at);
        break;
      case 'rule': {
        const prev = reg.rules.get(item.def.rule);
        const raised = detectorRule(item.def.rule);
        if (raised !== undefined) {
          at(`rule ${item.def.rule}`, `the ${raised.detector} detector raises this id; adjust it with '- rule: ${item.def.rule}' and enabled, severity, confidence or exceptions`);
        } else if (prev !== undefined && !item.def.override) {
          at(`rule ${item.def.rule}`, `duplicate rule id (first defined at ${where(prev)}); set override: true to replace it`);
        } else if (prev === undefined && item.def.override) {
          at(`rule ${item.def.rule}`, 'override: true but no rule with this id is defined earlier');
        } else {
          reg.rules.set(item.def.rule, { def: item.def, file, line });
        }
        break;
      }
      case 'toggle': {
        const t = item.def;
        const exceptions = (t.exceptions ?? []).map((def) => ({ def, file, line }));
        const prev = reg.rules.get(t.rule);
        if (prev !== undefined) {
          reg.rules.set(t.rule, {
            ...prev,
            def: {
              ...prev.def,
              ...(t.enabled !== undefined ? { enabled: t.enabled } : {}),
              ...(t.severity !== undefined ? { severity: t.severity } : {}),
              ...(t.confidence !== undefined ? { confidence: t.confidence } : {}),
              exceptions: [...prev.def.exceptions, ...(t.exceptions ?? [])],
            },
          });
        } else if (detectorRule(t.rule) !== undefined) {
          const cur = reg.tunings.get(t.rule) ?? { enabled: true, exceptions: [] };
          reg.tunings.set(t.rule, {
            enabled: t.enabled ?? cur.enabled,
            ...((t.severity ?? cur.severity) !== undefined ? { severity: t.severity ?? cur.severity } : {}),
            ...((t.confidence ?? cur.confidence) !== undefined ? { confidence: t.confidence ?? cur.confidence } : {}),
            exceptions: [...cur.exceptions, ...exceptions],
          });
        } else at(`rule ${t.rule}`, 'no rule with this id is defined earlier or raised by a detector');
        break;
      }
    }
  }
  for (const name of reg.lists.keys()) {
    const m = reg.macros.get(name);
    if (m !== undefined) issues.push({ file: m.file, line: m.line, item: `macro ${name}`, message: `a list has the same name; names of lists and macros must differ` });
  }
  return reg;
}

function where(l: Located<unknown>): string {
  return l.line === undefined ? l.file : `${l.file}:${l.line}`;
}

function addList(reg: PolicyRegistry, def: ListItem, file: string, line: number | undefined, at: (l: string, m: string) => void): void {
  const label = `list ${def.list}`;
  if (RESERVED_NAMES.has(def.list)) return at(label, `'${def.list}' is a reserved name`);
  const prev = reg.lists.get(def.list);
  if (def.append) {
    if (prev === undefined) return at(label, 'append: true but no list with this name is defined earlier');
    const items = [...prev.def.items];
    for (const v of def.items) if (!items.includes(v)) items.push(v);
    reg.lists.set(def.list, { def: { items }, file: prev.file, line: prev.line });
    return;
  }
  if (prev !== undefined && !isUserName(def.list) && !def.override) {
    return at(label, `list already defined at ${where(prev)}; only user_* lists may be redefined (or set override: true, or append: true)`);
  }
  if (prev === undefined && def.override) return at(label, 'override: true but no list with this name is defined earlier');
  reg.lists.set(def.list, { def: { items: [...new Set(def.items)] }, file, line });
}

function addMacro(reg: PolicyRegistry, def: MacroItem, file: string, line: number | undefined, at: (l: string, m: string) => void): void {
  const label = `macro ${def.macro}`;
  if (RESERVED_NAMES.has(def.macro)) return at(label, `'${def.macro}' is a reserved name`);
  const prev = reg.macros.get(def.macro);
  if (prev !== undefined && !isUserName(def.macro) && !def.override) {
    return at(label, `macro already defined at ${where(prev)}; only user_* macros may be redefined (or set override: true)`);
  }
  if (prev === undefined && def.override) return at(label, 'override: true but no macro with this name is defined earlier');
  reg.macros.set(def.macro, { def, file, line });
}
