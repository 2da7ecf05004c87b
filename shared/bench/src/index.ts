/**
 * @chainwatch/bench: every benchmark suite, each comparing Chainwatch against a baseline in the
 * same run. Each suite is loaded only when it runs (its dependencies are heavy: a broker client,
 * the embedded ClickHouse engine, the MCP SDK), so `chainwatch bench core` never loads the others.
 */
import type { CoreBenchOptions, CoreBenchResult } from './core';
import type { DecisionTargetName, DecisionsBenchOptions, DecisionsBenchResult, TargetFigures } from './decisions';
import type { McpProxyBenchOptions, McpProxyBenchResult } from './mcp-proxy';
import type { ProcessorBenchOptions, ProcessorBenchResult } from './processor';
import type { ShellBenchOptions, ShellBenchResult } from './shell';
import type { StartupBenchOptions, StartupBenchResult } from './startup';
import type { WriterBenchOptions, WriterBenchResult } from './writer';

export type { CoreBenchOptions, CoreBenchResult, DecisionTargetName, DecisionsBenchOptions, DecisionsBenchResult, TargetFigures, McpProxyBenchOptions, McpProxyBenchResult };

/** The servers `bench decisions` can compare (chainwatch always runs). */
export const DECISION_TARGETS = ['bare', 'chainwatch', 'opa', 'cerbos'] as const satisfies readonly DecisionTargetName[];
export type { ProcessorBenchOptions, ProcessorBenchResult, ShellBenchOptions, ShellBenchResult, StartupBenchOptions, StartupBenchResult, WriterBenchOptions, WriterBenchResult };

export async function runCoreBench(options: CoreBenchOptions = {}): Promise<CoreBenchResult> {
  return (await import('./core')).runCoreBench(options);
}

export async function runDecisionsBench(options: DecisionsBenchOptions = {}): Promise<DecisionsBenchResult> {
  return (await import('./decisions')).runDecisionsBench(options);
}

export async function runWriterBench(options: WriterBenchOptions): Promise<WriterBenchResult> {
  return (await import('./writer')).runWriterBench(options);
}

export async function runProcessorBench(options: ProcessorBenchOptions = {}): Promise<ProcessorBenchResult> {
  return (await import('./processor')).runProcessorBench(options);
}

export async function runShellBench(options: ShellBenchOptions = {}): Promise<ShellBenchResult> {
  return (await import('./shell')).runShellBench(options);
}

export async function runMcpProxyBench(options: McpProxyBenchOptions = {}): Promise<McpProxyBenchResult> {
  return (await import('./mcp-proxy')).runMcpProxyBench(options);
}

export async function runStartupBench(options: StartupBenchOptions = {}): Promise<StartupBenchResult> {
  return (await import('./startup')).runStartupBench(options);
}
