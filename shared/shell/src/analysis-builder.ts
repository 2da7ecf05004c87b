/**
 * Accumulates one analysis: effects (deduplicated by kind, detail, target and command) and the
 * value lists (deduplicated, capped), then freezes them into a ShellAnalysis.
 */
import { normaliseHost, pathValue, type PathValue, type UrlValue } from './normalise';
import type { ShellAnalysis, ShellAnalysisStatus, ShellDownload, ShellEffect, ShellEffectKind } from './shell-analysis';
import { DYNAMIC, type Word } from './word-value';

/** At most this many entries per list: a command naming thousands of files is reported, not copied. */
const MAX_LIST = 256;

/** Renders the dynamic marker readably in targets and evidence. */
export const shown = (s: string): string => (s.includes(DYNAMIC) ? s.split(DYNAMIC).join('${…}') : s);

/** Runs of white space as one space, trimmed; the text itself when it is already so (most commands). */
export function collapseSpace(s: string): string {
  return needsCollapse(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

/** Whether a UTF-16 code unit is white space to a regular expression's `\s` (and to trim). */
export function isSpaceUnit(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** White space other than single spaces between words: at either end, two in a row, or not a space. */
function needsCollapse(s: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c > 32 && c < 127) || !isSpaceUnit(c)) {
      afterSpace = false;
      continue;
    }
    if (c !== 32 || afterSpace) return true;
    afterSpace = true;
  }
  return afterSpace && s.length > 0;
}

export interface EffectInput {
  readonly kind: ShellEffectKind;
  readonly detail: string;
  readonly target: string;
  readonly command: string;
  readonly evidence: string;
  readonly host?: string;
  readonly dynamic?: boolean;
}

/** The empty list every analysis with nothing of a kind shares (frozen, so sharing is safe). */
const EMPTY: readonly never[] = Object.freeze([]);

function freeze<T>(xs: T[]): readonly T[] {
  for (const x of xs) if (typeof x === 'object' && x !== null) Object.freeze(x);
  return Object.freeze(xs);
}

/** A deduplicated list; most lists hold a handful of values, so keys are scanned, not hashed. Arrays are made on the first value. */
class ValueList<T> {
  private list: T[] | null = null;
  private keys: string[] | null = null;
  private seen: Set<string> | null = null;

  get items(): readonly T[] {
    return this.list ?? EMPTY;
  }

  add(key: string, item: T): void {
    if (this.claim(key)) this.push(item);
  }

  /** Whether a value with this key is new (and room is left); the key is then taken, and push must follow. */
  claim(key: string): boolean {
    const list = this.list;
    const keys = this.keys;
    if (list === null || keys === null) {
      this.list = [];
      this.keys = [key];
      return true;
    }
    if (list.length >= MAX_LIST) return false;
    if (this.seen !== null) {
      if (this.seen.has(key)) return false;
      this.seen.add(key);
    } else {
      if (keys.includes(key)) return false;
      keys.push(key);
      if (keys.length > 16) this.seen = new Set(keys);
    }
    return true;
  }

  push(item: T): void {
    (this.list as T[]).push(item);
  }

  /** The items, frozen with the list (the shared empty list when there are none). */
  frozen(): readonly T[] {
    return this.list === null ? EMPTY : freeze(this.list);
  }
}

export class AnalysisBuilder {
  private status: ShellAnalysisStatus = 'ok';
  private readonly effects = new ValueList<ShellEffect>();
  private readonly hosts = new ValueList<string>();
  private readonly urls = new ValueList<UrlValue>();
  private readonly read = new ValueList<PathValue>();
  private readonly written = new ValueList<PathValue>();
  private readonly deleted = new ValueList<PathValue>();
  private readonly scripts = new ValueList<PathValue>();
  private readonly executables = new ValueList<string>();
  private readonly packages = new ValueList<string>();
  private readonly downloads = new ValueList<ShellDownload>();
  private readonly commands = new ValueList<string>();

  constructor(private readonly maxEvidence: number) {}

  effect(e: EffectInput): void {
    const { kind, detail } = e;
    const target = shown(e.target);
    const command = shown(e.command);
    const host = e.host !== undefined && e.host !== '' ? e.host : undefined;
    if (!this.effects.claim(`${kind}\u0000${detail}\u0000${target}\u0000${command}\u0000${host ?? ''}`)) return;
    const dynamic = e.dynamic === true || e.target.includes(DYNAMIC);
    const evidence = this.evidence(e.evidence);
    // Fields in one order, host and dynamic only when set.
    if (host !== undefined) this.effects.push(dynamic ? { kind, detail, target, host, dynamic: true, command, evidence } : { kind, detail, target, host, command, evidence });
    else this.effects.push(dynamic ? { kind, detail, target, dynamic: true, command, evidence } : { kind, detail, target, command, evidence });
  }

  evidence(text: string): string {
    const t = shown(text);
    return t.length > this.maxEvidence ? `${t.slice(0, this.maxEvidence - 1)}…` : t;
  }

  hasEffect(kind: ShellEffectKind, detail?: string): boolean {
    return this.effects.items.some((e) => e.kind === kind && (detail === undefined || e.detail === detail));
  }

  host(h: string): void {
    const n = normaliseHost(h);
    if (n !== '') this.hosts.add(n, n);
  }

  url(u: UrlValue): void {
    if (u.raw.includes(DYNAMIC)) return;
    this.urls.add(u.raw, u);
    if (u.host !== '') this.hosts.add(u.host, u.host);
  }

  readPath(w: Word | string): PathValue {
    return this.path(this.read, w);
  }

  writePath(w: Word | string): PathValue {
    return this.path(this.written, w);
  }

  deletePath(w: Word | string): PathValue {
    return this.path(this.deleted, w);
  }

  script(w: Word | string): PathValue {
    return this.path(this.scripts, w);
  }

  private path(list: ValueList<PathValue>, w: Word | string): PathValue {
    const raw = typeof w === 'string' ? w : w.value;
    const p = pathValue(shown(raw));
    if (!raw.includes(DYNAMIC)) list.add(p.raw, p);
    return p;
  }

  executable(name: string): void {
    if (name !== '') this.executables.add(name, name);
  }

  pkg(manager: string, name: string): void {
    if (name !== '' && !name.includes(DYNAMIC)) this.packages.add(`${manager}:${name}`, `${manager}:${name}`);
  }

  download(path: string, url: string): void {
    if (!path.includes(DYNAMIC) && !url.includes(DYNAMIC)) this.downloads.add(`${path}\u0000${url}`, { path, url });
  }

  command(text: string): void {
    const t = collapseSpace(shown(text));
    if (t !== '') this.commands.add(t, t.length > 1024 ? t.slice(0, 1024) : t);
  }

  syntaxError(): void {
    if (this.status === 'ok') this.status = 'syntax_error';
  }

  tooComplex(reason: string, evidence: string): void {
    this.status = 'too_complex';
    this.effect({ kind: 'too_complex', detail: reason, target: reason, command: '', evidence });
  }

  get tooComplexHit(): boolean {
    return this.status === 'too_complex';
  }

  build(): ShellAnalysis {
    return Object.freeze({
      status: this.status,
      effects: this.effects.frozen(),
      hosts: this.hosts.frozen(),
      urls: this.urls.frozen(),
      paths: Object.freeze({ read: this.read.frozen(), written: this.written.frozen(), deleted: this.deleted.frozen() }),
      scripts: this.scripts.frozen(),
      executables: this.executables.frozen(),
      downloads: this.downloads.frozen(),
      packages: this.packages.frozen(),
      commands: this.commands.frozen(),
    });
  }
}
