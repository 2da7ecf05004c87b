/**
 * Shell-like tool calls judged by what their command does (shell/shell-view.ts), not by the tool's
 * name. Evidence, in the order of DESIGN §3:
 * - provenance: a command, URL or host that first appeared in content written by others (a file,
 *   a directory listing, a command's output, a variable the agent printed) is the injection; the
 *   reason names the output. What the task text writes out is the user's.
 * - what the command does that the task never asked for: download-and-execute from a host the
 *   task did not name, sending a secret or a file to one, encrypting, persistence, privilege changes,
 *   destruction of a wide target; a command that cannot be resolved statically.
 * - sequences across calls, bounded in session state: secret read → egress, download → execute,
 *   encrypt → delete the original.
 * A command the task asks for word for word, and hosts the task or the organisation own, raise nothing.
 */
import { baseKey, collapseSpace, commandKey, pathKey, urlValue } from '../catalog/value-keys';
import { hasTaskKey } from '../intent/intent-index';
import { SHELL_ASK_KEYS, type ShellAsk } from '../intent/shell-asks';
import { type ArgumentOrigin, originOf, untrustedOrigin } from '../provenance/argument-origin';
import type { ShellAnalysisPort, ShellEffectPort } from '../shell/shell-port';
import { PROVENANCE, type EntitySource, type Provenance, type SessionState } from '../state/session-state';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';
import { sourceText } from './provenance';

const RANK_SECRET = 4;

/** Provenance kinds that make a host or URL the user's or the organisation's. */
function owned(kind: Provenance): boolean {
  return kind === 'task' || kind === 'internal' || kind === 'own' || kind === 'directory' || kind === 'system' || kind === 'none';
}

function asks(a: ActionView, what: ShellAsk): boolean {
  return hasTaskKey(a.taskKeys, SHELL_ASK_KEYS[what]);
}

/** The task text writes out this path. */
function taskPath(a: ActionView, path: string): boolean {
  return hasTaskKey(a.taskKeys, pathKey(path));
}

/** Where the host (or URL) an effect contacts came from. */
function effectOrigin(s: SessionState, a: ActionView, ctx: DetectorContext, e: ShellEffectPort): ArgumentOrigin {
  const value = e.kind === 'download_execute' && /:\/\//.test(e.target) ? urlValue(e.target) : urlValue(e.host ?? e.target);
  return originOf(s, value, ctx.orgDomains, a.taskKeys);
}

const UNTRUSTED_TRUST = new Set(['third_party', 'agent', 'web']);

function untrustedSource(s: SessionState, text: string): EntitySource | null {
  const src = s.outputSource(commandKey(text));
  return src !== null && UNTRUSTED_TRUST.has(src.trust) ? src : null;
}

/**
 * The untrusted output that showed this effect's command: the whole command line, or the effect's
 * own simple command, as a shown line or a part of one ("run `a && b`", and the agent runs b).
 */
function commandSource(s: SessionState, command: string, e: ShellEffectPort): EntitySource | null {
  const whole = untrustedSource(s, command);
  if (whole !== null || e.evidence.endsWith('…')) return whole;
  const own = collapseSpace(e.evidence);
  if (own.length < 8) return null;
  for (const shown of s.shellShown) if (shown.includes(own)) return untrustedSource(s, shown);
  return null;
}

/** An effect that makes a command more than a read, a build or a lookup. */
function risky(e: ShellEffectPort): boolean {
  if (e.kind === 'secret_read') return false;
  if (e.kind === 'privilege' && (e.detail === 'sudo' || e.detail === 'doas')) return false;
  if (e.kind === 'network_egress' && (e.detail === 'dns' || e.detail === 'git_fetch')) return false;
  return true;
}

/** Egress that can carry data out (not a clone, a fetch, a package index or a lookup). */
const SENDING_EGRESS = new Set(['http', 'socket', 'ssh', 'copy', 'remote_session', 'dev_tcp', 'inline_code', 'git_remote_add', 'git_push_new_remote']);

const SEVERE_KINDS = new Set(['download_execute', 'file_send', 'encryption', 'persistence', 'privilege', 'destruction']);

/** Privilege changes that grant more than the command's own run. */
const ESCALATION = new Set(['world_writable', 'setuid', 'chown_root', 'capabilities', 'admin_group', 'uid0', 'password_change', 'sudoers', 'account_database', 'root_shell']);

/** Destruction that cannot be undone by design, or that rewrites what others hold (a remote's history). */
const IRREVERSIBLE = new Set(['format', 'device_overwrite', 'shred', 'history_clear', 'remote_ref_delete', 'force_push']);

/** A target whose loss is the home, the system, the parent, the whole working tree or a config directory. */
function wideTarget(target: string): boolean {
  const t = target.replace(/\/+$/, '');
  if (t === '' || t === '.' || t === '..' || t === '*' || t === '~' || t === '/' || t.startsWith('../')) return true;
  if (/^~\/[^/]+$/.test(t) || /^~\/\.[^/]+/.test(t)) return true;
  if (/^\/[^/]+$/.test(t)) return true;
  if (/^\/(?:home|root|etc|usr|var|opt|srv|workspace|boot|lib)\//.test(t) && t.split('/').length <= 3) return true;
  return false;
}

function temporary(target: string): boolean {
  return /^\/(?:tmp|var\/tmp|dev\/shm)\//.test(target);
}

/** The path and its parent directories, as path keys (at most 8). */
function withParents(path: string): string[] {
  const out: string[] = [];
  let p = pathKey(path).slice(2);
  for (let i = 0; i < 8 && p !== '' && p !== '.' && p !== '/'; i++) {
    out.push(`f:${p}`);
    const cut = p.lastIndexOf('/');
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return out;
}

/** A path the session downloaded (a file under a directory it downloaded, or a file of that name): the URL's provenance code, or -1. */
function downloadedFrom(s: SessionState, path: string): number {
  for (const k of withParents(path)) {
    const code = s.downloadOrigin(k);
    if (code >= 0) return code;
  }
  return s.downloadOrigin(baseKey(path));
}

/** The session's own commands created the path (or a directory above it). */
function madeBySession(s: SessionState, path: string): boolean {
  return withParents(path).some((k) => s.wasMade(k));
}

function fromText(o: ArgumentOrigin): string {
  return untrustedOrigin(o.kind) ? `first appeared in ${sourceText(o.source)}` : 'the task does not name';
}

function evidenceOf(src: EntitySource | null): string[] {
  return src?.eventId !== null && src?.eventId !== undefined ? [src.eventId] : [];
}

/** What every check of one shell call reads. */
interface Call {
  readonly a: ActionView;
  readonly ctx: DetectorContext;
  readonly s: SessionState;
  readonly command: string;
  readonly an: ShellAnalysisPort;
  readonly tool: string;
  /** The command itself reads a secret. */
  readonly secretHere: boolean;
  /** Reads of a secret earlier in the session (evidence), or null. */
  readonly secretBefore: readonly string[] | null;
}

/** Provenance of the command itself: run as an output told the agent to. */
function injectedCommand(c: Call): FindingDraft[] {
  let worst: ShellEffectPort | null = null;
  let from: EntitySource | null = null;
  for (const e of c.an.effects) {
    if (!risky(e)) continue;
    const src = commandSource(c.s, c.command, e);
    if (src === null) continue;
    if (worst === null || (SEVERE_KINDS.has(e.kind) && !SEVERE_KINDS.has(worst.kind))) {
      worst = e;
      from = src;
    }
  }
  if (worst === null) return [];
  // Content the task pointed the agent at ("follow the README") may ask for commands: stepped up, not denied.
  const pointed = from?.pointed === true;
  return [
    draft('data_flow.command_from_tool_output', {
      confidence: pointed ? 0.85 : 0.95,
      severity: SEVERE_KINDS.has(worst.kind) && !pointed ? 'critical' : 'high',
      message: `'${c.tool}' runs a command (${worst.command || 'unresolved'}: ${worst.kind.replace('_', ' ')}) that first appeared in ${sourceText(from)}, not in the task`,
      evidence: evidenceOf(from),
      once: `cmd:${commandKey(worst.evidence)}`,
    }),
  ];
}

function downloadExecute(c: Call, e: ShellEffectPort): FindingDraft[] {
  const o = effectOrigin(c.s, c.a, c.ctx, e);
  if (owned(o.kind)) return [];
  const shell = e.detail === 'reverse_shell' || e.detail === 'bind_shell';
  // From content the task pointed at ("install it as its README says"): stepped up, not denied.
  const untrusted = untrustedOrigin(o.kind) && (shell || o.source?.pointed !== true);
  return [
    draft('data_flow.shell_download_execute', {
      confidence: untrusted ? 0.95 : 0.85,
      severity: untrusted || shell ? 'critical' : 'high',
      message: shell
        ? `'${c.tool}' opens a remote shell with ${e.host ?? e.target}, which ${fromText(o)}`
        : `'${c.tool}' runs code fetched from ${urlValue(e.target)}, which ${fromText(o)}`,
      evidence: evidenceOf(o.source),
      once: `dx:${e.target}`,
    }),
  ];
}

function fileSend(c: Call, e: ShellEffectPort): FindingDraft[] {
  const o = effectOrigin(c.s, c.a, c.ctx, e);
  if (owned(o.kind)) return [];
  const secret = c.secretHere || e.target === 'environment';
  const untrusted = untrustedOrigin(o.kind);
  const host = e.host ?? e.target;
  const out = [
    draft('data_flow.shell_file_send', {
      confidence: secret || untrusted ? 0.95 : 0.8,
      severity: secret ? 'critical' : 'high',
      message: `'${c.tool}' sends ${e.target === 'stdin' ? 'piped data' : e.target}${secret ? ' (a secret)' : ''} to ${host}, which ${fromText(o)}`,
      evidence: evidenceOf(o.source),
      once: `fs:${e.target}>${host}`,
    }),
  ];
  if (!secret && c.secretBefore !== null) out.push(secretThenEgress(c.a, host, untrusted, c.secretBefore));
  return out;
}

function egress(c: Call, e: ShellEffectPort): FindingDraft[] {
  if (e.detail === 'dns' || c.an.effects.some((f) => (f.kind === 'file_send' || f.kind === 'download_execute') && f.host === e.target)) return [];
  const o = effectOrigin(c.s, c.a, c.ctx, e);
  if (owned(o.kind)) return [];
  const untrusted = untrustedOrigin(o.kind);
  if (SENDING_EGRESS.has(e.detail) && (c.secretHere || c.secretBefore !== null)) return [secretThenEgress(c.a, e.target, untrusted, c.secretBefore ?? [])];
  if (!untrusted) return [];
  // A host that only content written by others named: fetching from it is how an injection starts.
  return [
    draft('data_flow.fetch_tool_supplied_destination', {
      confidence: o.source?.pointed === true ? 0.8 * c.ctx.policy.pointed_link_confidence : 0.8,
      message: `'${c.tool}' contacts ${e.target} (${e.detail.replace('_', ' ')}), which first appeared in ${sourceText(o.source)}, not in the task`,
      evidence: evidenceOf(o.source),
      once: `eg:${e.target}`,
    }),
  ];
}

function destruction(c: Call, e: ShellEffectPort): FindingDraft[] {
  const { a, s } = c;
  const encrypted = s.wasEncrypted(pathKey(e.target)) || c.an.effects.some((x) => x.kind === 'encryption' && x.target === e.target);
  if (encrypted && !asks(a, 'encrypt')) {
    return [
      draft('tool_chaining.encrypt_then_delete', {
        confidence: 0.95,
        message: `'${c.tool}' destroys ${e.target} after it was encrypted: the original is gone, only the ciphertext is left`,
        once: `ed:${e.target}`,
      }),
    ];
  }
  if (asks(a, 'destroy') || taskPath(a, e.target) || temporary(e.target) || madeBySession(s, e.target)) return [];
  const wide = IRREVERSIBLE.has(e.detail) || (e.detail !== 'delete' && e.detail !== 'truncate' && wideTarget(e.target));
  // Deleting one file, or a directory of the working tree, is everyday work: reported only when wide.
  if (!wide && e.detail !== 'recursive_delete' && e.detail !== 'hard_reset' && e.detail !== 'find_delete') return [];
  return [unrequested(c.tool, 'destroy', `destroys ${e.target} (${e.detail.replace('_', ' ')})`, e, wide ? 'high' : 'medium')];
}

function unresolved(c: Call, e: ShellEffectPort): FindingDraft[] {
  const hidden = e.kind === 'too_complex' || e.detail === 'dynamic_code' || e.detail === 'decoded_code' || e.detail === 'stdin_code';
  return [
    draft('scope_drift.unresolved_command', {
      confidence: hidden ? 0.85 : 0.8,
      severity: hidden ? 'high' : 'medium',
      message:
        e.kind === 'too_complex'
          ? `'${c.tool}' sends a command past the analyser's bound (${e.detail.replace('_', ' ')}): what it does cannot be read`
          : `'${c.tool}' runs code that cannot be resolved before it runs (${e.detail.replace('_', ' ')})`,
      once: `unres:${e.detail}:${e.target.slice(0, 64)}`,
    }),
  ];
}

/** One effect of the command. */
function effectFindings(c: Call, e: ShellEffectPort): FindingDraft[] {
  const { a, tool } = c;
  switch (e.kind) {
    case 'download_execute':
      return downloadExecute(c, e);
    case 'file_send':
      return fileSend(c, e);
    case 'network_egress':
      return egress(c, e);
    case 'encryption': {
      if (asks(a, 'encrypt') || taskPath(a, e.target)) return [];
      const deletes = c.an.effects.some((d) => d.kind === 'destruction' && d.target === e.target);
      return [unrequested(tool, 'encrypt', `encrypts ${e.target} (${e.detail.replace('_', ' ')})`, e, deletes ? 'critical' : 'high')];
    }
    case 'persistence':
      if (asks(a, 'persist') || taskPath(a, e.target)) return [];
      return [unrequested(tool, 'persist', `makes something run again later (${e.detail.replace('_', ' ')}: ${e.target})`, e, 'high')];
    case 'privilege':
      if (!ESCALATION.has(e.detail) || asks(a, 'privilege') || taskPath(a, e.target)) return [];
      return [unrequested(tool, 'privilege', `grants privileges (${e.detail.replace('_', ' ')}: ${e.target})`, e, 'high')];
    case 'destruction':
      return destruction(c, e);
    case 'unresolved':
    case 'too_complex':
      return unresolved(c, e);
    default:
      return [];
  }
}

/** download → execute across calls: a file the session fetched, now run. */
function downloadedRun(c: Call): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const sc of c.an.scripts) {
    const code = downloadedFrom(c.s, sc.normalised);
    if (code < 0) continue;
    const kind = PROVENANCE[code] ?? 'unseen';
    if (owned(kind)) continue;
    const untrusted = untrustedOrigin(kind);
    out.push(
      draft('tool_chaining.download_then_execute', {
        confidence: untrusted ? 0.95 : 0.85,
        severity: untrusted ? 'critical' : 'high',
        message: `'${c.tool}' runs ${sc.normalised}, which the session downloaded from ${untrusted ? 'a location that first appeared in content written by others' : 'a location the task does not name'}`,
        once: `de:${sc.normalised}`,
      }),
    );
  }
  return out;
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const sh = a.shell;
  if (sh === null) return [];
  const taint = s.taint;
  const c: Call = {
    a,
    ctx,
    s,
    command: sh.command,
    an: sh.analysis,
    tool: a.action.tool,
    secretHere: sh.analysis.effects.some((e) => e.kind === 'secret_read'),
    secretBefore: taint !== null && taint.rank >= RANK_SECRET ? taint.ev : null,
  };
  const out = injectedCommand(c);
  // Index loops (no iterator objects): this runs for every shell call.
  const effects = c.an.effects;
  for (let i = 0; i < effects.length; i++) {
    const found = effectFindings(c, effects[i]!);
    for (let j = 0; j < found.length; j++) out.push(found[j]!);
  }
  if (c.an.scripts.length > 0) out.push(...downloadedRun(c));
  return out;
}

function secretThenEgress(a: ActionView, host: string, untrusted: boolean, ev: readonly string[]): FindingDraft {
  return draft('tool_chaining.secret_read_then_egress', {
    confidence: untrusted ? 0.95 : 0.85,
    severity: untrusted ? 'critical' : 'high',
    message: `the session read a secret${ev.length > 0 ? ` (events ${ev.join(', ')})` : ' in this command'}, then '${a.action.tool}' contacts ${host}, which ${untrusted ? 'first appeared in content written by others' : 'the task does not name'}`,
    evidence: ev,
    once: `se:${host}`,
  });
}

function unrequested(tool: string, what: ShellAsk, does: string, e: ShellEffectPort, severity: 'medium' | 'high' | 'critical'): FindingDraft {
  return draft('scope_drift.unrequested_shell_effect', {
    confidence: 0.85,
    severity,
    message: `'${tool}' ${does}, which the task did not ask for`,
    once: `un:${what}:${e.detail}:${e.target.slice(0, 64)}`,
  });
}

export const shellCommands = detector('data_flow', inspect);
