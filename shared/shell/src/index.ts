/**
 * `@chainwatch/shell`: reads what a shell command would do. Parses with tree-sitter-bash
 * (WebAssembly), walks pipelines, lists, substitutions, redirections, here-documents and code run
 * by other commands, and reports effects (egress, download-and-execute, secret reads, file sends,
 * destruction, encryption, persistence, privilege, unresolved, too complex) with their targets,
 * plus the hosts, URLs, paths, scripts, executables and packages it touches.
 */
export { createShellAnalyzer, type ShellAnalyzer, type ShellAnalyzerOptions } from './shell-analyzer';
export type { ShellAnalysis, ShellAnalysisStatus, ShellDownload, ShellEffect, ShellEffectKind, ShellPaths } from './shell-analysis';
export { SHELL_EFFECT_KINDS } from './shell-analysis';
export type { PathValue, UrlValue } from './normalise';
export { canonicalUrl, normaliseHost, normalisePath } from './normalise';
export { DEFAULT_LIMITS, type ShellLimits } from './limits';
export { isShellTool, shellCommandOf, shellQuote, ShellToolHints, type ShellCommand } from './shell-tool';
export { shellPort, loadShellPort, type ShellPortLike } from './shell-port';
