/**
 * A shell-like tool call seen through its command: what the command would do (the analyser's
 * effects) decides the action's operation, data class and egress, instead of the tool's name. A
 * command that changes nothing (`git status`, `cat README.md`) is a read; one that writes, installs
 * or has a risky effect is an execution, and `curl … | sh` one with egress, whatever the tool is called.
 */
import type { Action } from '@chainwatch/schemas';
import type { ResolvedAction } from '../catalog/resolve-action';
import type { ShellAnalysisPort, ShellEffectKindPort, ShellPort } from './shell-port';

export interface ShellView {
  /** The command line as the tool received it. */
  readonly command: string;
  readonly analysis: ShellAnalysisPort;
}

/** Effects that make a command more than a read or a local write. */
const RISKY: ReadonlySet<ShellEffectKindPort> = new Set([
  'network_egress',
  'download_execute',
  'file_send',
  'destruction',
  'encryption',
  'persistence',
  'privilege',
  'unresolved',
  'too_complex',
]);

/** `sudo` alone, or a lookup (dig, ping), changes nothing by itself. */
function risky(kind: ShellEffectKindPort, detail: string): boolean {
  if (!RISKY.has(kind)) return false;
  if (kind === 'privilege' && (detail === 'sudo' || detail === 'doas')) return false;
  if (kind === 'network_egress' && detail === 'dns') return false;
  return true;
}

export function shellViewOf(port: ShellPort | undefined, action: Action): ShellView | null {
  if (port === undefined) return null;
  const command = port.commandOf(action.tool, action.args, action.annotations);
  if (command === null) return null;
  return { command, analysis: port.analyze(command) };
}

const RANK_SECRET = 4;

/** The resolved action of a shell call, from what its command does. */
export function withShellEffects(act: ResolvedAction, v: ShellView): ResolvedAction {
  const a = v.analysis;
  let execute = false;
  let egress = false;
  let secret = false;
  for (const e of a.effects) {
    if (risky(e.kind, e.detail)) execute = true;
    if (e.kind === 'network_egress' || e.kind === 'file_send' || e.kind === 'download_execute') egress = true;
    if (e.kind === 'secret_read') secret = true;
  }
  const writes = a.paths.written.length > 0 || a.paths.deleted.length > 0 || a.packages.length > 0;
  return {
    ...act,
    // Running a command that changes anything is an execution (the scope that allows it is an exec
    // scope); what it changes is judged by the shell detector from its effects.
    operation: execute || writes ? 'execute' : 'read',
    dataClass: secret ? 'secret' : 'internal',
    dataClassRank: secret ? RANK_SECRET : 1,
    egress,
    // The command's hosts and paths are judged by the shell detector, not as recipients.
    destination: '',
    destinationKind: 'none',
    destinations: [],
    destinationExternal: false,
    // What a command prints comes from files, programs and servers others wrote.
    outputTrust: 'third_party',
    destructive: a.effects.some((e) => e.kind === 'destruction'),
  };
}
