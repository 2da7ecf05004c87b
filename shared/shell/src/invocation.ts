/**
 * One simple command as it would run: argv after the wrappers that only launch it (sudo, env,
 * nohup, timeout, xargs …), its redirections, where it sits in pipelines, and in which
 * substitution group and code depth it runs.
 */
import type { Word } from './word-value';

export interface Redirect {
  /** `>`, `>>`, `<`, `&>`, `&>>`, `>&`, `<&`, `>|`, `<<`, `<<-`, `<<<`. */
  readonly op: string;
  readonly fd: number | null;
  /** File (or fd number) for file redirections; null for here-documents and here-strings. */
  readonly target: Word | null;
  /** Body of a here-document or here-string. */
  readonly body: Word | null;
}

/** Position in a pipeline: pipeline id and stage index (0 = first). */
export interface PipeSlot {
  readonly id: number;
  readonly stage: number;
}

export type CodeLanguage = 'shell' | 'python' | 'javascript' | 'perl' | 'ruby' | 'php' | 'awk' | 'other';

export interface Invocation {
  /** Order in the command line, nested code included. */
  readonly seq: number;
  /** argv after wrappers; argv[0] is the executable. */
  readonly argv: readonly Word[];
  /** Basename of argv[0] when static ('/tmp/x' keeps its path when it has one), '' when not. */
  readonly name: string;
  /** Wrappers it ran under, outermost first (`sudo`, `env`, `nohup` …). */
  readonly wrappers: readonly string[];
  /** Runs as root or another user (sudo, doas, su …, or inside code run that way). */
  readonly privileged: boolean;
  /** Its arguments are extended from standard input (xargs). */
  readonly argsFromStdin: boolean;
  readonly redirects: readonly Redirect[];
  /** Enclosing pipelines, innermost last. */
  readonly pipes: readonly PipeSlot[];
  /** Substitution group it runs in (0 = the command line itself). */
  readonly group: number;
  /** Nesting of code inside code (0 = the command line itself). */
  readonly depth: number;
  /** Source text of the command (truncated). */
  readonly evidence: string;
}
