/**
 * The analyser the detection core calls: `createShellAnalyzer()` loads the grammar once
 * (asynchronous, WebAssembly), then `analyze(command)` is synchronous, pure, bounded and cached.
 */
import { AnalysisBuilder } from './analysis-builder';
import { loadBashGrammar, type BashGrammar } from './bash-grammar';
import { InvocationCollector } from './collect-invocations';
import { FlowFacts, type EffectContext } from './effects/effect-context';
import { readDynamicCode, readPipelineFlows, readSubstitutionFlows } from './effects/pipeline-flow';
import { readInvocationEffects } from './effects/read-effects';
import { readInlineFindings, scanInlineCode, type InlineFindings } from './inline-code-scan';
import { DEFAULT_LIMITS, type ShellLimits } from './limits';
import { LruCache } from './lru-cache';
import type { ShellAnalysis } from './shell-analysis';

export interface ShellAnalyzer {
  /** Effects and values of one command line. Never throws; bounded by the limits; cached. */
  analyze(command: string): ShellAnalysis;
  readonly limits: ShellLimits;
  /** Cache counters since creation. */
  cacheStats(): { readonly hits: number; readonly misses: number; readonly size: number };
}

export interface ShellAnalyzerOptions {
  /**
   * Plain command lines (words and simple quotes only) skip the parser, and simple lists,
   * pipelines and redirections of them get their tree without the grammar (simple-syntax.ts);
   * default true. False parses everything with the grammar, to check that the paths agree.
   */
  readonly fastPath?: boolean;
}

export async function createShellAnalyzer(limits: Partial<ShellLimits> = {}, options: ShellAnalyzerOptions = {}): Promise<ShellAnalyzer> {
  const grammar = await loadBashGrammar();
  return shellAnalyzerWith(grammar, { ...DEFAULT_LIMITS, ...limits }, options.fastPath ?? true);
}

/** An analyser on a loaded grammar; `fastPath: false` parses every command with the grammar (tests compare the paths). */
export function shellAnalyzerWith(grammar: BashGrammar, limits: ShellLimits, fastPath = true): ShellAnalyzer {
  const cache = new LruCache<string, ShellAnalysis>(limits.cacheEntries);
  let hits = 0;
  let misses = 0;
  return {
    limits,
    analyze(command) {
      const text = typeof command === 'string' ? command : String(command);
      const hit = cache.get(text);
      if (hit !== undefined) {
        hits++;
        return hit;
      }
      misses++;
      const result = analyzeUncached(grammar, limits, text, fastPath);
      cache.set(text, result);
      return result;
    },
    cacheStats: () => ({ hits, misses, size: cache.size }),
  };
}

function analyzeUncached(grammar: BashGrammar, limits: ShellLimits, command: string, fastPath: boolean): ShellAnalysis {
  const out = new AnalysisBuilder(limits.maxEvidenceChars);
  if (command.length > limits.maxInputChars) {
    out.tooComplex('input_length', command.slice(0, limits.maxEvidenceChars));
    return out.build();
  }
  try {
    const inline: InlineFindings[] = [];
    const collector = new InvocationCollector(grammar, limits, out, (code, language, ctx, inv, c) => scanInlineCode(code, language, ctx, inv, c, inline), fastPath);
    collector.collect(command);
    const cx: EffectContext = { out, flow: new FlowFacts(), facts: undefined };
    readInvocationEffects(collector, cx);
    readInlineFindings(inline, cx, out);
    readPipelineFlows(collector, cx);
    readSubstitutionFlows(collector, cx);
    readDynamicCode(collector, cx);
    if (cx.flow.anyDownload) for (const [path, url] of cx.flow.downloads) out.download(path, url);
  } catch (err) {
    // A defect in a reader must not let the command through unread: report it as unresolved.
    out.effect({ kind: 'unresolved', detail: 'analysis_error', target: err instanceof Error ? err.name : 'error', command: '', evidence: command });
  }
  return out.build();
}
