/**
 * Message templates: text with `{event.field}`, `{session.field}` and `{rule.id}` /
 * `{rule.severity}` placeholders, checked against the rule context at load and rendered only
 * when a rule fires. The context holds no raw tool arguments, so neither can a message; values
 * are stripped of control characters and capped in length. `{{` and `}}` are literal braces.
 */
import type { RuleContext } from '../rule-context';
import { EVENT_FIELDS, SESSION_FIELDS } from './rule-context-fields';

const MAX_VALUE_CHARS = 120;
const MAX_LIST_ITEMS = 5;

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'event' | 'session'; readonly key: string }
  | { readonly kind: 'rule'; readonly key: 'id' | 'severity' };

export interface RuleRef {
  readonly id: string;
  readonly severity: string;
}

export class MessageTemplate {
  private constructor(private readonly parts: readonly Part[]) {}

  /** Parses a template; throws Error with a precise message on an unknown or malformed placeholder. */
  static compile(template: string): MessageTemplate {
    const parts: Part[] = [];
    let text = '';
    let i = 0;
    while (i < template.length) {
      const ch = template[i];
      if (ch === '{' && template[i + 1] === '{') {
        text += '{';
        i += 2;
      } else if (ch === '}' && template[i + 1] === '}') {
        text += '}';
        i += 2;
      } else if (ch === '{') {
        const end = template.indexOf('}', i);
        if (end < 0) throw new Error(`message: unclosed '{' at position ${i}`);
        const ref = template.slice(i + 1, end).trim();
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        parts.push(parsePlaceholder(ref));
        i = end + 1;
      } else if (ch === '}') {
        throw new Error(`message: unmatched '}' at position ${i} (write '}}' for a literal brace)`);
      } else {
        text += ch;
        i++;
      }
    }
    if (text !== '') parts.push({ kind: 'text', text });
    return new MessageTemplate(parts);
  }

  render(ctx: RuleContext, rule: RuleRef): string {
    let out = '';
    for (const p of this.parts) {
      if (p.kind === 'text') out += p.text;
      else if (p.kind === 'rule') out += rule[p.key];
      else out += formatValue((ctx[p.kind] as unknown as Record<string, unknown>)[p.key]);
    }
    return out;
  }
}

function parsePlaceholder(ref: string): Part {
  const m = /^(event|session|rule)\.([a-z_][a-z0-9_]*)$/.exec(ref);
  if (m === null) throw new Error(`message: placeholder {${ref}} must look like {event.field}, {session.field} or {rule.id}`);
  const scope = m[1] as 'event' | 'session' | 'rule';
  const key = m[2] as string;
  if (scope === 'rule') {
    if (key !== 'id' && key !== 'severity') throw new Error(`message: unknown placeholder {${ref}} (rule.id or rule.severity)`);
    return { kind: 'rule', key };
  }
  const fields = scope === 'event' ? EVENT_FIELDS : SESSION_FIELDS;
  if (!Object.hasOwn(fields, key)) throw new Error(`message: unknown field in placeholder {${ref}}`);
  return { kind: scope, key };
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;

function clip(s: string): string {
  const clean = s.replace(CONTROL, ' ');
  return clean.length > MAX_VALUE_CHARS ? `${clean.slice(0, MAX_VALUE_CHARS - 1)}…` : clean;
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '?';
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_LIST_ITEMS).map((x) => clip(String(x)));
    const more = v.length > MAX_LIST_ITEMS ? ` (+${v.length - MAX_LIST_ITEMS} more)` : '';
    return (shown.length === 0 ? 'none' : shown.join(', ')) + more;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return clip(String(v));
}
