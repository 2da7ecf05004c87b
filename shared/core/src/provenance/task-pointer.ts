/**
 * Whether the task pointed the agent at a call: one of its argument values is something the task
 * text names (the channel 'general', the file 'feedback.xlsx', the URL the user gave). The output
 * of such a call is content the user sent the agent to; a link or a party in it is one step from
 * the user's own words. Content the agent wandered into (a listing nobody asked for, a page linked
 * from a page) is further away, and that is where injected instructions hide.
 */
import { canonicalUrl, extractEntitiesFromText, hostOf } from '../catalog/extract-entities';
import { hasTaskKey } from '../intent/intent-index';
import { STOPWORDS, wordKey } from '../intent/task-words';

const MAX_VALUE = 512;
const MAX_VALUES = 16;

function valuePointed(v: string, task: readonly number[]): boolean {
  const text = v.trim();
  if (text === '' || text.length > MAX_VALUE) return false;
  if (text.includes('.') || text.includes('@')) {
    const e = extractEntitiesFromText(text);
    if (e.emails.some((x) => hasTaskKey(task, `e:${x}`))) return true;
    if (e.urls.some((u) => hasTaskKey(task, `u:${canonicalUrl(u)}`) || hasTaskKey(task, `d:${hostOf(u)}`))) return true;
    if (e.emails.length === 0 && e.domains.some((d) => hasTaskKey(task, `d:${d}`))) return true;
  }
  // The words of wordsOf(text), read one at a time: the first one the task does not name ends it.
  const lower = text.toLowerCase();
  const n = lower.length;
  let named = 0;
  let i = 0;
  while (i < n) {
    while (i < n && !isWordUnit(lower.charCodeAt(i))) i++;
    const start = i;
    let digits = true;
    for (; i < n; i++) {
      const c = lower.charCodeAt(i);
      if (!isWordUnit(c)) break;
      if (c > 57) digits = false;
    }
    if (i - start < 3 || digits) continue;
    const w = lower.slice(start, i);
    if (STOPWORDS.has(w)) continue;
    if (!hasTaskKey(task, wordKey(w))) return false;
    named++;
  }
  return named > 0;
}

/** A code unit of a lowercased word as wordsOf splits them: a-z or 0-9. */
function isWordUnit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** The call's arguments name something the task names (see the module comment). */
export function pointedByTask(args: Readonly<Record<string, unknown>> | undefined, task: readonly number[] | null): boolean {
  if (args === undefined || task === null) return false;
  let seen = 0;
  for (const k in args) {
    const v = args[k];
    if (typeof v === 'string') {
      if (valuePointed(v, task)) return true;
      if (++seen >= MAX_VALUES) return false;
    } else if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === 'string' && valuePointed(x, task)) return true;
        if (++seen >= MAX_VALUES) return false;
      }
    }
  }
  return false;
}
