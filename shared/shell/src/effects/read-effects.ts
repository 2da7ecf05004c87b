/**
 * Reads the effects of each command in execution order: its wrappers (sudo, su …), what the
 * command itself does (per-command readers), its redirections (files written and read, /dev/tcp
 * connections, truncation), the scripts it runs (and whether a script was fetched earlier in the
 * same command line), and credentials it expands from the environment.
 */
import type { InvocationCollector } from '../collect-invocations';
import { SHELLS } from '../code-carriers';
import type { Invocation, Redirect } from '../invocation';
import { normalisePath } from '../normalise';
import { isSecretVariable } from '../sensitive-paths';
import type { Word } from '../word-value';
import { DYNAMIC } from '../word-value';
import { egress, emit, isDevice, readPath, writePath, type EffectContext } from './effect-context';
import { defaultReader, FILE_HANDLERS } from './file-commands';
import { NETWORK_HANDLERS, pythonModuleInstall, type Handler } from './network-commands';
import { SYSTEM_HANDLERS } from './system-commands';

const TABLES: readonly ReadonlyMap<string, Handler>[] = [NETWORK_HANDLERS, FILE_HANDLERS, SYSTEM_HANDLERS];

const OUTPUT_OPS = new Set(['>', '>|', '&>', '>&', '>>', '&>>', '<>']);
/** Commands whose only output to a redirect is nothing: `> f`, `: > f`, `true > f`, `echo -n > f`, `cat /dev/null > f`. */
function truncatesOnly(inv: Invocation): boolean {
  if (inv.argv.length === 0) return true;
  if (inv.name === ':' || inv.name === 'true') return true;
  if (inv.name === 'echo') return inv.argv.length === 2 && inv.argv[1]?.value === '-n';
  if (inv.name === 'printf') return inv.argv.length === 2 && inv.argv[1]?.value === '';
  if (inv.name === 'cat') return inv.argv.length === 2 && inv.argv[1]?.value === '/dev/null';
  return false;
}

/** Where a group of substitutions fetches from, if one of its commands fetches to stdout. */
export function fetchInGroups(collector: InvocationCollector, cx: EffectContext, groups: readonly number[]): string | null {
  if (groups.length === 0) return null;
  const set = new Set(groups);
  for (const inv of collector.invocations) {
    if (!set.has(inv.group)) continue;
    const f = cx.flow.fetchesToStdout.get(inv.seq);
    if (f !== undefined) return f;
  }
  return null;
}

/** A download recorded earlier under this path, or under a directory containing it (git clone). */
export function downloadedAs(cx: EffectContext, path: string): string | null {
  const n = normalisePath(path);
  const direct = cx.flow.downloads.get(n);
  if (direct !== undefined) return direct;
  for (const [dir, url] of cx.flow.downloads) if (n.startsWith(`${dir}/`)) return url;
  return null;
}

function hostOfUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(url)?.[1]?.replace(/^.*@/, '').replace(/:\d+$/, '').toLowerCase() ?? '';
}

export function ranScript(collector: InvocationCollector, cx: EffectContext, inv: Invocation, script: Word): void {
  if (script.processSubstitution) {
    const url = fetchInGroups(collector, cx, script.subs);
    if (url !== null) emit(cx, inv, 'download_execute', 'process_substitution', url, { host: hostOfUrl(url) });
    else emit(cx, inv, 'unresolved', 'substituted_code', script.text, { dynamic: true });
    return;
  }
  if (!script.literal) {
    emit(cx, inv, 'unresolved', 'dynamic_script', script.text, { dynamic: true });
    return;
  }
  cx.out.script(script);
  const url = downloadedAs(cx, script.value);
  if (url !== null) emit(cx, inv, 'download_execute', 'fetch_then_run', url, { host: hostOfUrl(url) });
}

function devTcp(v: string): string | null {
  if (!v.startsWith('/dev/tcp/') && !v.startsWith('/dev/udp/')) return null;
  return v.split('/')[3] ?? '';
}

function redirect(collector: InvocationCollector, cx: EffectContext, inv: Invocation, r: Redirect): void {
  const t = r.target;
  if (t === null) return;
  const v = t.value;
  if ((r.op.includes('&') && (/^\d+$/.test(v) || v === '-')) || isDevice(v)) return;
  const tcp = devTcp(v);
  const exec = collector.executionOf(inv);
  if (tcp !== null) {
    const host = egress(cx, inv, 'dev_tcp', null, tcp);
    const interactiveShell = SHELLS.has(inv.name) && (exec.kind === 'stdin' || inv.argv.some((w) => w.value === '-i'));
    if (OUTPUT_OPS.has(r.op) && interactiveShell) emit(cx, inv, 'download_execute', 'reverse_shell', host !== '' ? host : tcp, { host });
    else if (r.op === '<' && exec.kind === 'stdin') emit(cx, inv, 'download_execute', 'dev_tcp_exec', host !== '' ? host : tcp, { host });
    else if (OUTPUT_OPS.has(r.op)) {
      const reads = cx.flow.reads.get(inv.seq) ?? [];
      for (const p of reads) emit(cx, inv, 'file_send', 'dev_tcp', p, { host });
      if (cx.flow.envDumps.has(inv.seq)) emit(cx, inv, 'file_send', 'dev_tcp', 'environment', { host });
    } else cx.flow.fetchesToStdout.set(inv.seq, host !== '' ? host : tcp);
    return;
  }
  if (r.op === '<') {
    if (exec.kind === 'stdin') ranScript(collector, cx, inv, t);
    else readPath(cx, inv, t);
    return;
  }
  if (!OUTPUT_OPS.has(r.op)) return;
  if (r.op === '<>') readPath(cx, inv, t);
  writePath(cx, inv, t);
  if ((r.op === '>' || r.op === '>|' || r.op === '&>') && truncatesOnly(inv)) emit(cx, inv, 'destruction', 'truncate', normalisePath(v), { dynamic: !t.literal });
  const fetched = cx.flow.fetchesToStdout.get(inv.seq);
  if (fetched !== undefined && (r.fd === null || r.fd === 1)) {
    cx.flow.downloads.set(normalisePath(v), fetched);
    cx.flow.fetchesToStdout.delete(inv.seq);
  }
}

function wrapperEffects(collector: InvocationCollector, cx: EffectContext, inv: Invocation): void {
  const facts = collector.facts[inv.seq];
  if (facts === undefined) return;
  if (facts.user !== null) {
    const via = inv.wrappers.find((w) => w === 'sudo' || w === 'doas' || w === 'su' || w === 'pkexec' || w === 'runuser' || w === 'chroot') ?? 'sudo';
    emit(cx, { ...inv, name: inv.name || via }, 'privilege', facts.privilegedShell ? 'root_shell' : via, facts.user);
  }
  if (facts.envDump) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, { ...inv, name: 'env' }, 'secret_read', 'env_dump', 'environment');
  }
}

function secretVariables(cx: EffectContext, inv: Invocation): void {
  for (const w of inv.argv) {
    if (w.vars === undefined) continue;
    for (const name of w.vars) if (isSecretVariable(name)) {
      cx.flow.envDumps.add(inv.seq);
      emit(cx, inv, 'secret_read', 'secret_variable', `$${name}`);
    }
  }
  for (const r of inv.redirects) if (r.body?.vars !== undefined) for (const name of r.body.vars) if (isSecretVariable(name)) {
    cx.flow.envDumps.add(inv.seq);
    emit(cx, inv, 'secret_read', 'secret_variable', `$${name}`);
  }
}

/** Reads every command's own effects, in execution order. */
export function readInvocationEffects(collector: InvocationCollector, cx: EffectContext): void {
  for (const inv of collector.invocations) {
    const ctx: EffectContext = { out: cx.out, flow: cx.flow, facts: collector.facts[inv.seq] };
    wrapperEffects(collector, ctx, inv);
    let handled = false;
    if (inv.name !== '') {
      for (const table of TABLES) {
        const h = table.get(inv.name);
        if (h !== undefined) {
          h(inv, ctx);
          handled = true;
        }
      }
      if (inv.name.startsWith('python') && /^python[23]?(?:\.\d+)?$/.test(inv.name)) pythonModuleInstall(inv, ctx);
      const exec = collector.executionOf(inv);
      if (exec.kind === 'script') ranScript(collector, ctx, inv, exec.script);
      if (!handled && exec.kind === 'none') defaultReader(inv, ctx);
      else if (!handled && exec.kind === 'script') for (const w of inv.argv.slice(2)) if (w.value.includes('/') && !w.value.includes(DYNAMIC)) readPath(ctx, inv, w);
    }
    secretVariables(ctx, inv);
    for (const r of inv.redirects) redirect(collector, ctx, inv, r);
  }
}
