/**
 * What the detection core needs from a shell-command analyser (`@chainwatch/shell` provides one:
 * `shellPort(await createShellAnalyzer())`). Structural, so the core depends on no parser and stays
 * pure: the analyser is created (asynchronously: it loads a WebAssembly grammar) by the service
 * and handed to the engine; its calls are synchronous, bounded and cached.
 */

export type ShellEffectKindPort =
  | 'network_egress'
  | 'download_execute'
  | 'secret_read'
  | 'file_send'
  | 'destruction'
  | 'encryption'
  | 'persistence'
  | 'privilege'
  | 'unresolved'
  | 'too_complex';

export interface ShellEffectPort {
  readonly kind: ShellEffectKindPort;
  readonly detail: string;
  /** Host, URL, path, user or text the effect is done to (normalised). */
  readonly target: string;
  /** Destination host, where the effect sends or fetches. */
  readonly host?: string;
  readonly dynamic?: true;
  /** The executable that has the effect. */
  readonly command: string;
  /** Source text of that command, truncated. */
  readonly evidence: string;
}

export interface ShellPathPort {
  readonly raw: string;
  readonly normalised: string;
}

export interface ShellAnalysisPort {
  readonly status: 'ok' | 'syntax_error' | 'too_complex';
  readonly effects: readonly ShellEffectPort[];
  readonly hosts: readonly string[];
  readonly urls: readonly { readonly raw: string; readonly canonical: string; readonly host: string }[];
  readonly paths: { readonly read: readonly ShellPathPort[]; readonly written: readonly ShellPathPort[]; readonly deleted: readonly ShellPathPort[] };
  readonly scripts: readonly ShellPathPort[];
  readonly downloads: readonly { readonly path: string; readonly url: string }[];
  readonly executables: readonly string[];
  readonly packages: readonly string[];
  /** Each simple command as written, whitespace collapsed. */
  readonly commands: readonly string[];
}

export interface ShellPort {
  /** The command line of a shell-like tool call (by the tool's name, arguments and MCP annotations), or null. */
  commandOf(tool: string, args: Readonly<Record<string, unknown>> | undefined, annotations: unknown): string | null;
  /** Synchronous, never throws, bounded, cached. */
  analyze(command: string): ShellAnalysisPort;
}
