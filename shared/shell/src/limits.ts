/**
 * Bounds of one analysis. Anything beyond them is reported as a `too_complex` effect (never a
 * hang, never a throw): a command that does not fit is not analysed further and is not allowed
 * silently either.
 */
export interface ShellLimits {
  /** Longest command analysed, in UTF-16 code units (default 16,384, the size cap of tool arguments). */
  readonly maxInputChars: number;
  /** Most syntax nodes in one parse (default 20,000). */
  readonly maxNodes: number;
  /** Deepest syntax nesting walked (default 200). */
  readonly maxSyntaxDepth: number;
  /** Deepest nesting of code inside code: `sh -c`, `eval`, decoded payloads, inline interpreters (default 6). */
  readonly maxCodeDepth: number;
  /** Most simple commands in one analysis, nested code included (default 1,000). */
  readonly maxCommands: number;
  /** Parse time budget per parse, ms (default 50). */
  readonly parseBudgetMs: number;
  /** Longest evidence text kept per effect (default 160). */
  readonly maxEvidenceChars: number;
  /** Analyses kept in the cache (default 4,096; 0 disables it). */
  readonly cacheEntries: number;
}

export const DEFAULT_LIMITS: ShellLimits = {
  maxInputChars: 16_384,
  maxNodes: 20_000,
  maxSyntaxDepth: 200,
  maxCodeDepth: 6,
  maxCommands: 1_000,
  parseBudgetMs: 50,
  maxEvidenceChars: 160,
  cacheEntries: 4_096,
};
