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
function collapseSpace(s: string): string {
  return OTHER_SPACE.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}
/** White space other than single spaces between words: at either end, two in a row, or not a space. */
const OTHER_SPACE = /^\s|\s$|\s\s|[^\S ]/;

export interface EffectInput {
  readonly kind: ShellEffectKind;
  readonly detail: string;
  readonly target: string;
  readonly command: string;
  readonly evidence: string;
  readonly host?: string;
  readonly dynamic?: boolean;
}

function freeze<T>(xs: T[]): readonly T[] {
  for (const x of xs) if (typeof x === 'object' && x !== null) Object.freeze(x);
  return Object.freeze(xs);
}

/** A deduplicated list; most lists hold a handful of values, so keys are scanned, not hashed. */
class ValueList<T> {
  readonly items: T[] = [];
  private readonly keys: string[] = [];
  private seen: Set<string> | null = null;
  add(key: string, item: T): void {
    if (this.items.length >= MAX_LIST) return;
    if (this.seen !== null) {
      if (this.seen.has(key)) return;
      this.seen.add(key);
    } else {
      if (this.keys.includes(key)) return;
      this.keys.push(key);
      if (this.keys.length > 16) this.seen = new Set(this.keys);
    }
    this.items.push(item);
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
    const dynamic = e.dynamic === true || e.target.includes(DYNAMIC);
    const target = shown(e.target);
    const effect: ShellEffect = {
      kind: e.kind,
      detail: e.detail,
      target,
      ...(e.host !== undefined && e.host !== '' ? { host: e.host } : {}),
      ...(dynamic ? { dynamic: true as const } : {}),
      command: shown(e.command),
      evidence: this.evidence(e.evidence),
    };
    this.effects.add(`${e.kind}\u0000${e.detail}\u0000${target}\u0000${effect.command}\u0000${effect.host ?? ''}`, effect);
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
      effects: freeze(this.effects.items),
      hosts: freeze(this.hosts.items),
      urls: freeze(this.urls.items),
      paths: Object.freeze({ read: freeze(this.read.items), written: freeze(this.written.items), deleted: freeze(this.deleted.items) }),
      scripts: freeze(this.scripts.items),
      executables: freeze(this.executables.items),
      downloads: freeze(this.downloads.items),
      packages: freeze(this.packages.items),
      commands: freeze(this.commands.items),
    });
  }
}
