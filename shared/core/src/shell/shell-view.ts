/**
 * A shell-like tool call seen through its command: what the command would do (the analyser's
 * effects) decides the action's operation, data class and egress, instead of the tool's name. A
 * command that changes nothing (`git status`, `cat README.md`) is a read; one that writes, installs
 * or has a risky effect is an execution, and `curl … | sh` one with egress, whatever the tool is called.
 */
import type { Action } from '@chainwatch/schemas';
import { extractEntitiesFromArgs } from '../catalog/extract-entities';
import { argNamesOf, toolSpec, type ResolvedAction } from '../catalog/resolve-action';
import type { ToolCatalog } from '../catalog/tool-catalog';
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

/**
 * The resolved action of a shell call, from what its command does. Only the tool's identity
 * (name, kind, catalog scopes, resource) and the entities of its arguments come from the tool
 * call; every other field from the analysis, so resolveAction's destination and trust work is not
 * done for it. Fields in resolveAction's order.
 */
export function resolveShellAction(action: Action, catalog: ToolCatalog, v: ShellView): ResolvedAction {
  const spec = toolSpec(catalog, action.tool);
  const args = action.args ?? {};
  const a = v.analysis;
  let execute = false;
  let egress = false;
  let secret = false;
  let destructive = false;
  for (let i = 0; i < a.effects.length; i++) {
    const e = a.effects[i]!;
    if (risky(e.kind, e.detail)) execute = true;
    if (e.kind === 'network_egress' || e.kind === 'file_send' || e.kind === 'download_execute') egress = true;
    if (e.kind === 'secret_read') secret = true;
    if (e.kind === 'destruction') destructive = true;
  }
  const writes = a.paths.written.length > 0 || a.paths.deleted.length > 0 || a.packages.length > 0;
  return {
    tool: action.tool,
    kind: action.kind,
    // Running a command that changes anything is an execution (the scope that allows it is an exec
    // scope); what it changes is judged by the shell detector from its effects.
    operation: execute || writes ? 'execute' : 'read',
    dataClass: secret ? 'secret' : 'internal',
    dataClassRank: secret ? RANK_SECRET : 1,
    egress,
    requiredScopes: spec?.scopes ?? [],
    resource: action.resource ?? '',
    // The command's hosts and paths are judged by the shell detector, not as recipients.
    destination: '',
    destinationKind: 'none',
    destinations: [],
    destinationExternal: false,
    argEntities: extractEntitiesFromArgs(args),
    argNames: argNamesOf(args),
    unknownTool: spec === undefined,
    // What a command prints comes from files, programs and servers others wrote.
    outputTrust: 'third_party',
    destructive,
  };
}
