/**
 * The analyser as the detection core's ShellPort (`@chainwatch/core`: `createDetectionEngine({ shell })`).
 * `loadShellPort()` loads the grammar once per process and returns the same port afterwards.
 */
import { createShellAnalyzer, type ShellAnalyzer } from './shell-analyzer';
import { shellCommandLineOf } from './shell-tool';
import type { ShellAnalysis } from './shell-analysis';

export interface ShellPortLike {
  commandOf(tool: string, args: Readonly<Record<string, unknown>> | undefined, annotations: unknown): string | null;
  analyze(command: string): ShellAnalysis;
}

/** Adapts an analyser to the core's port. */
export function shellPort(analyzer: ShellAnalyzer): ShellPortLike {
  return {
    commandOf: (tool, args, annotations) => shellCommandLineOf(tool, args as Record<string, unknown> | undefined, annotations),
    analyze: (command) => analyzer.analyze(command),
  };
}

let shared: Promise<ShellPortLike> | null = null;

/** One analyser per process (the grammar is loaded once); later calls return the same port. */
export function loadShellPort(): Promise<ShellPortLike> {
  shared ??= createShellAnalyzer().then(shellPort);
  return shared;
}
