/**
 * What one analysis of a shell command returns: the effects it would have, each with its target,
 * and the values it touches (hosts, URLs, paths, scripts, executables, commands), normalised so
 * the caller can trace each one to where it first appeared.
 */
import type { PathValue, UrlValue } from './normalise';

export const SHELL_EFFECT_KINDS = [
  'network_egress',
  'download_execute',
  'secret_read',
  'file_send',
  'destruction',
  'encryption',
  'persistence',
  'privilege',
  'unresolved',
  'too_complex',
] as const;
export type ShellEffectKind = (typeof SHELL_EFFECT_KINDS)[number];

export interface ShellEffect {
  readonly kind: ShellEffectKind;
  /** Finer class inside the kind (`recursive_delete`, `ssh_key`, `pipe_to_interpreter` …); see README. */
  readonly detail: string;
  /**
   * What the effect is done to: a host (egress), a URL (download-and-execute), a path (secret
   * read, file send, destruction, encryption, persistence), a user or path (privilege), the
   * unresolved text (unresolved), or the exceeded bound (too_complex). Normalised like the value lists.
   */
  readonly target: string;
  /** Destination host, where the effect sends or fetches (file_send, download_execute). */
  readonly host?: string;
  /** The target is not fully known statically (it contains a variable or a substitution). */
  readonly dynamic?: true;
  /** The executable that has the effect (argv0 after wrappers such as sudo or env), '' when unknown. */
  readonly command: string;
  /** The exact source text of the command that has the effect, truncated. */
  readonly evidence: string;
}

export type ShellAnalysisStatus = 'ok' | 'syntax_error' | 'too_complex';

export interface ShellPaths {
  readonly read: readonly PathValue[];
  readonly written: readonly PathValue[];
  readonly deleted: readonly PathValue[];
}

export interface ShellDownload {
  /** Normalised path of the file (or directory) written. */
  readonly path: string;
  /** What was fetched: a URL as written, or `host:path` for scp / rsync. */
  readonly url: string;
}

export interface ShellAnalysis {
  /** `syntax_error`: the grammar could not read all of it (what it could read is analysed); `too_complex`: a bound was hit. */
  readonly status: ShellAnalysisStatus;
  readonly effects: readonly ShellEffect[];
  /** Hosts contacted (egress), lowercased. */
  readonly hosts: readonly string[];
  /** URLs fetched or sent to. */
  readonly urls: readonly UrlValue[];
  readonly paths: ShellPaths;
  /** Script files run (`./x.sh`, `bash x`, `python x.py`, `source x`). */
  readonly scripts: readonly PathValue[];
  /** Executables invoked, wrappers included (basenames; `/tmp/x` stays a path). */
  readonly executables: readonly string[];
  /**
   * Files written with fetched content (curl -o, wget, a fetch redirected to a file, git clone's
   * directory, scp from a remote): for download → execute across separate calls.
   */
  readonly downloads: readonly ShellDownload[];
  /** Packages installed, as `manager:name` (`npm:left-pad`, `pip:requests`). */
  readonly packages: readonly string[];
  /** Each simple command as written (whitespace collapsed), nested code included. */
  readonly commands: readonly string[];
}
