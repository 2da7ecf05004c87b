/**
 * Reads one policy source (YAML text) into validated items, each with its line, collecting
 * every problem as a RuleIssue instead of stopping at the first.
 */
import { LineCounter, parseDocument, isSeq } from 'yaml';
import { classifyItem, formatZodIssues, ListItem, MacroItem, RuleItem, RuleTuneItem, type PolicyItem } from './rule-file-schema';
import type { RuleIssue } from './rule-set-error';

export interface PolicySource {
  /** Shown in errors: a file path, or any name the caller chooses. */
  readonly name: string;
  readonly text: string;
}

export interface LocatedItem {
  readonly item: PolicyItem;
  readonly file: string;
  readonly line: number | undefined;
}

const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export function readPolicySource(source: PolicySource, issues: RuleIssue[]): LocatedItem[] {
  const file = source.name;
  if (source.text.length > MAX_SOURCE_BYTES) {
    issues.push({ file, message: `file is larger than ${MAX_SOURCE_BYTES} bytes` });
    return [];
  }
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      issues.push({ file, line: pos.line, message: `YAML: ${e.message.split('\n')[0] ?? e.message}` });
    }
    return [];
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) {
    issues.push({ file, message: 'a rule file is a YAML sequence of items (- list: …, - macro: …, - rule: …)' });
    return [];
  }
  const values = doc.toJS({ maxAliasCount: 50 }) as unknown[];
  const out: LocatedItem[] = [];
  doc.contents.items.forEach((node, index) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const line = range === undefined ? undefined : lines.linePos(range[0]).line;
    const raw = values[index];
    const cls = classifyItem(raw);
    if (typeof cls === 'string') {
      issues.push({ file, line, item: `item #${index + 1}`, message: cls });
      return;
    }
    const label = `${cls.kind === 'toggle' ? 'rule' : cls.kind} ${cls.name ?? `#${index + 1}`}`;
    const schema = cls.kind === 'list' ? ListItem : cls.kind === 'macro' ? MacroItem : cls.kind === 'rule' ? RuleItem : RuleTuneItem;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const message of formatZodIssues(parsed.error)) issues.push({ file, line, item: label, message });
      return;
    }
    out.push({ item: { kind: cls.kind, def: parsed.data } as PolicyItem, file, line });
  });
  return out;
}
