/**
 * What the effect readers share for one analysis: the output builder, the facts one command
 * leaves for later ones (what it fetched, downloaded, read, sends), and helpers that record a
 * path access together with the effect its path implies (a secret read, a persistence write).
 */
import type { AnalysisBuilder } from '../analysis-builder';
import type { InvocationFacts } from '../collect-invocations';
import type { Invocation } from '../invocation';
import { normaliseHost, type UrlValue } from '../normalise';
import { persistenceClassOf, privilegeFileClassOf, secretClassOf } from '../sensitive-paths';
import { DYNAMIC, type Word } from '../word-value';

/** Each collection is made on first use: most command lines leave no facts of most kinds. */
export class FlowFacts {
  private fetches: Map<number, string> | null = null;
  private downloadMap: Map<string, string> | null = null;
  private senders: Map<number, string> | null = null;
  private readMap: Map<number, string[]> | null = null;
  private dumps: Set<number> | null = null;
  private decoding: Set<number> | null = null;
  private remotes: Map<string, string> | null = null;
  private egressMap: Map<number, string[]> | null = null;

  /** Commands whose standard output is fetched content: seq → URL or host fetched. */
  get fetchesToStdout(): Map<number, string> {
    return (this.fetches ??= new Map());
  }

  /** Files written with fetched content: normalised path → URL (curl -o, wget, git clone dir …). */
  get downloads(): Map<string, string> {
    return (this.downloadMap ??= new Map());
  }

  /** Whether any download was recorded (without making the map). */
  get anyDownload(): boolean {
    return this.downloadMap !== null && this.downloadMap.size > 0;
  }

  /** Commands that send their standard input to a host: seq → host. */
  get stdinSenders(): Map<number, string> {
    return (this.senders ??= new Map());
  }

  /** Normalised paths each command reads. */
  get reads(): Map<number, string[]> {
    return (this.readMap ??= new Map());
  }

  /** Commands that print the environment. */
  get envDumps(): Set<number> {
    return (this.dumps ??= new Set());
  }

  /** Commands that decode their input (base64 -d …). */
  get decoders(): Set<number> {
    return (this.decoding ??= new Set());
  }

  /** git remotes added in this command line: name → URL. */
  get gitRemotes(): Map<string, string> {
    return (this.remotes ??= new Map());
  }

  /** Hosts each command contacts ('' when not static). */
  get egress(): Map<number, string[]> {
    return (this.egressMap ??= new Map());
  }

  /** Whether any command contacts a host (without making the map). */
  get anyEgress(): boolean {
    return this.egressMap !== null && this.egressMap.size > 0;
  }
}

export interface EffectContext {
  readonly out: AnalysisBuilder;
  readonly flow: FlowFacts;
  readonly facts: InvocationFacts | undefined;
}

export function emit(
  cx: EffectContext,
  inv: Invocation,
  kind: Parameters<AnalysisBuilder['effect']>[0]['kind'],
  detail: string,
  target: string,
  extra: { host?: string; dynamic?: boolean } = {},
): void {
  cx.out.effect({ kind, detail, target, command: inv.name, evidence: inv.evidence, host: extra.host, dynamic: extra.dynamic });
}

export const isDevice = (v: string): boolean =>
  v === '/dev/null' || v === '/dev/stdout' || v === '/dev/stderr' || v === '/dev/stdin' || v === '/dev/tty' || v.startsWith('/dev/fd/') || v === '-';

/** Records a read; a secret path also yields a secret_read effect. */
export function readPath(cx: EffectContext, inv: Invocation, w: Word | string): void {
  const value = typeof w === 'string' ? w : w.value;
  if (value === '' || isDevice(value)) return;
  const p = cx.out.readPath(w);
  const list = cx.flow.reads.get(inv.seq);
  if (list === undefined) cx.flow.reads.set(inv.seq, [p.normalised]);
  else if (list.length < 64) list.push(p.normalised);
  const secret = secretClassOf(p.normalised);
  if (secret !== null) emit(cx, inv, 'secret_read', secret, p.normalised, { dynamic: value.includes(DYNAMIC) });
}

/** Records a write; persistence locations and privilege files yield their effects. */
export function writePath(cx: EffectContext, inv: Invocation, w: Word | string): void {
  const value = typeof w === 'string' ? w : w.value;
  if (value === '' || isDevice(value)) return;
  const p = cx.out.writePath(w);
  const persistence = persistenceClassOf(p.normalised);
  if (persistence !== null) emit(cx, inv, 'persistence', persistence, p.normalised);
  const privilege = privilegeFileClassOf(p.normalised);
  if (privilege !== null) emit(cx, inv, 'privilege', privilege, p.normalised);
}

/** Records a deletion with its destruction effect. */
export function deletePath(cx: EffectContext, inv: Invocation, w: Word | string, detail: string): void {
  const value = typeof w === 'string' ? w : w.value;
  if (value === '' || isDevice(value)) return;
  const p = cx.out.deletePath(w);
  emit(cx, inv, 'destruction', detail, p.normalised, { dynamic: value.includes(DYNAMIC) });
}

/** An egress to a URL or host; returns the host ('' when not static). */
export function egress(cx: EffectContext, inv: Invocation, detail: string, url: UrlValue | null, hostText?: string): string {
  const host = egressEffect(cx, inv, detail, url, hostText);
  const list = cx.flow.egress.get(inv.seq);
  if (list === undefined) cx.flow.egress.set(inv.seq, [host]);
  else if (!list.includes(host)) list.push(host);
  return host;
}

function egressEffect(cx: EffectContext, inv: Invocation, detail: string, url: UrlValue | null, hostText?: string): string {
  if (url !== null) {
    cx.out.url(url);
    emit(cx, inv, 'network_egress', detail, url.host !== '' ? url.host : url.raw, { dynamic: url.host === '' });
    return url.host;
  }
  const raw = hostText ?? '';
  const host = normaliseHost(raw);
  if (host !== '') cx.out.host(host);
  if (raw !== '') emit(cx, inv, 'network_egress', detail, host !== '' ? host : raw, { dynamic: host === '' });
  return host;
}

/** Words that read as file paths when a command's role table says nothing better. */
export function looksLikePath(v: string): boolean {
  if (v === '' || v.startsWith('-') || v.includes('://')) return false;
  if (v.includes('/') || v.startsWith('~') || v.startsWith('.')) return true;
  return secretClassOf(v) !== null || persistenceClassOf(v) !== null;
}
