import { createShellAnalyzer, type ShellAnalysis, type ShellAnalyzer } from '../src/index';

let shared: Promise<ShellAnalyzer> | null = null;

/** One analyser per test file (the grammar loads once per process). */
export function analyzer(): Promise<ShellAnalyzer> {
  shared ??= createShellAnalyzer();
  return shared;
}

/** Effects as `kind/detail target` (`@host` when there is one). */
export function effectsOf(a: ShellAnalysis): string[] {
  return a.effects.map((e) => `${e.kind}/${e.detail} ${e.target}${e.host !== undefined ? ` @${e.host}` : ''}`);
}

export function kindsOf(a: ShellAnalysis): string[] {
  return [...new Set(a.effects.map((e) => e.kind))].sort();
}
