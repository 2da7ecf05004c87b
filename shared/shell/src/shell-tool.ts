/**
 * Recognises shell-like tools that have no catalog entry, by the words of their name (bash, sh,
 * terminal, run_command, execute_command, exec, container.exec, runShellCommand …) or by MCP
 * annotations, and returns the command line from the usual argument names.
 */
import { z } from 'zod';

/** MCP tool annotations (and the few extra hints some gateways add), as far as they matter here. */
export const ShellToolHints = z
  .object({
    title: z.string().max(512).optional(),
    description: z.string().max(4096).optional(),
    /** Explicit hint from a gateway or catalog: this tool runs shell commands. */
    shellHint: z.boolean().optional(),
    readOnlyHint: z.boolean().optional(),
    destructiveHint: z.boolean().optional(),
    openWorldHint: z.boolean().optional(),
  })
  .passthrough();
export type ShellToolHints = z.infer<typeof ShellToolHints>;

export interface ShellCommand {
  /** The command line, as a shell would receive it (argv arrays quoted and joined). */
  readonly command: string;
  /** The argument it came from (`command`, `cmd`, `commands` …, or `input.command`). */
  readonly argument: string;
  /** Working directory, when the arguments name one. */
  readonly cwd?: string;
}

const SHELL_WORDS = new Set(['bash', 'sh', 'zsh', 'fish', 'ksh', 'dash', 'shell', 'terminal', 'tty', 'pty', 'subprocess', 'cmdline', 'commandline']);
const EXEC_VERBS = new Set(['exec', 'execute', 'run', 'invoke', 'launch', 'start', 'spawn']);
const COMMAND_NOUNS = new Set(['command', 'commands', 'cmd', 'cmds', 'process', 'program', 'script', 'scripts', 'shell']);
/** Words that say the tool runs something other than a shell (a language runtime, a query, a workflow). */
const OTHER_RUNTIMES = new Set([
  'python', 'py', 'javascript', 'js', 'node', 'typescript', 'ts', 'sql', 'query', 'queries', 'ruby', 'r', 'powershell', 'pwsh', 'notebook', 'jupyter', 'code',
  'test', 'tests', 'workflow', 'workflows', 'pipeline', 'pipelines', 'job', 'jobs', 'agent', 'agents', 'report', 'reports', 'playbook', 'query', 'lambda', 'function', 'macro', 'applescript', 'sparql', 'graphql', 'cypher',
]);

/** Lowercase words of a tool name: snake, kebab, dotted, slashed and camelCase. */
export function toolNameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/** Whether words of a tool name (or title) describe a shell. */
export function wordsSayShell(words: readonly string[]): boolean {
  if (words.some((w) => OTHER_RUNTIMES.has(w))) return false;
  if (words.some((w) => SHELL_WORDS.has(w))) return true;
  if (words.includes('exec')) return true;
  return words.some((w) => EXEC_VERBS.has(w)) && words.some((w) => COMMAND_NOUNS.has(w));
}

const NAME_CACHE_CAP = 4_096;
const byName = new Map<string, boolean>();

/** The decision from the name alone, memoised (bounded): the same tools are seen on every call. */
function nameSaysShell(tool: string): boolean {
  const hit = byName.get(tool);
  if (hit !== undefined) return hit;
  const v = wordsSayShell(toolNameWords(tool));
  if (byName.size >= NAME_CACHE_CAP) byName.clear();
  byName.set(tool, v);
  return v;
}

export function isShellTool(tool: string, annotations?: unknown): boolean {
  if (nameSaysShell(tool)) return true;
  if (annotations === undefined || annotations === null) return false;
  const hints = ShellToolHints.safeParse(annotations ?? {});
  if (!hints.success) return false;
  if (hints.data.shellHint === true) return true;
  if (hints.data.title !== undefined && wordsSayShell(toolNameWords(hints.data.title))) return true;
  if (hints.data.description !== undefined) {
    const words = toolNameWords(hints.data.description.slice(0, 512));
    // A description must name the shell itself ("Run a bash command", "Execute in the terminal").
    return words.some((w) => SHELL_WORDS.has(w)) && words.some((w) => EXEC_VERBS.has(w) || COMMAND_NOUNS.has(w)) && !words.some((w) => w === 'python' || w === 'sql' || w === 'powershell');
  }
  return false;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argv element quoted for a POSIX shell. */
export function shellQuote(s: string): string {
  if (s !== '' && SAFE_WORD.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const STRING_KEYS = ['command', 'cmd', 'commands', 'shell_command', 'bash_command', 'command_line', 'commandline', 'cmdline', 'script', 'input', 'code', 'cmds'];
const ARGV_KEYS = ['argv', 'args', 'arguments'];
const NESTED_KEYS = ['input', 'params', 'parameters', 'arguments', 'payload'];
const CWD_KEYS = ['cwd', 'workdir', 'working_directory', 'workingDirectory', 'dir', 'directory'];
const MAX_ARRAY = 256;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.length <= MAX_ARRAY && v.every((x) => typeof x === 'string');

function firstArgv(args: Record<string, unknown>): string[] | undefined {
  for (const k of ARGV_KEYS) {
    const v = args[k];
    if (isStringArray(v)) return v;
  }
  return undefined;
}

function firstCwd(args: Record<string, unknown>): string | undefined {
  for (const k of CWD_KEYS) {
    const v = args[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** The command line in one arguments object and the key it came from. */
interface Found {
  readonly command: string;
  readonly key: string;
}

function fromObject(args: Record<string, unknown>): Found | null {
  for (const key of STRING_KEYS) {
    const v = args[key];
    if (typeof v === 'string') {
      const t = v.trim();
      if (t === '') continue;
      // {command: "git", args: ["push", "--force"]}: the program and its argv.
      const argv = firstArgv(args);
      return { command: argv !== undefined && !/\s/.test(t) ? [t, ...argv].map(shellQuote).join(' ') : v, key };
    }
    if (isStringArray(v)) {
      // commands: ["a", "b"] are separate command lines; cmd: ["sh", "-c", "…"] is one argv.
      return { command: key === 'commands' || key === 'cmds' || key === 'script' ? v.join('\n') : v.map(shellQuote).join(' '), key };
    }
  }
  for (const key of ARGV_KEYS) {
    const v = args[key];
    if (isStringArray(v)) return { command: v.map(shellQuote).join(' '), key };
  }
  return null;
}

/** Argument names that only ever hold a command line. */
const COMMAND_ONLY_KEYS = ['command', 'cmd', 'shell_command', 'bash_command', 'command_line', 'commandline', 'cmdline'];

/**
 * A tool whose name says nothing, whose MCP annotations say it can change things or reach the
 * world (destructiveHint or openWorldHint, not readOnlyHint), called with a command-line argument
 * (`command`, `cmd` …): treated as a shell, unless its name names another runtime (sql, python …).
 */
function annotatedCommandTool(tool: string, args: Record<string, unknown>, annotations: unknown): boolean {
  // No annotations: no hint that the tool acts.
  if (annotations === undefined || annotations === null) return false;
  const hints = ShellToolHints.safeParse(annotations);
  if (!hints.success) return false;
  const h = hints.data;
  if (h.readOnlyHint === true || (h.destructiveHint !== true && h.openWorldHint !== true)) return false;
  if (toolNameWords(tool).some((w) => OTHER_RUNTIMES.has(w))) return false;
  return COMMAND_ONLY_KEYS.some((k) => typeof args[k] === 'string' || isStringArray(args[k]));
}

/** The arguments object holding the command line (the call's own, or one nested under input, params …) and what it found. */
function locate(tool: string, args: Record<string, unknown> | undefined, annotations: unknown): { readonly found: Found; readonly holder: Record<string, unknown>; readonly prefix: string } | null {
  if (typeof tool !== 'string') return null;
  if (args === undefined || args === null || typeof args !== 'object' || Array.isArray(args)) return null;
  if (!isShellTool(tool, annotations) && !annotatedCommandTool(tool, args, annotations)) return null;
  const direct = fromObject(args);
  if (direct !== null) return { found: direct, holder: args, prefix: '' };
  for (const key of NESTED_KEYS) {
    const v = args[key];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const nested = fromObject(v as Record<string, unknown>);
      if (nested !== null) return { found: nested, holder: v as Record<string, unknown>, prefix: `${key}.` };
    }
  }
  // A shell tool with one text argument of another name ({"content": "ls -la"}, {"q": "…"}): that is its command.
  const texts = Object.keys(args).filter((k) => typeof args[k] === 'string' && (args[k] as string).trim() !== '' && !CWD_KEYS.includes(k));
  if (texts.length === 1) {
    const key = texts[0] as string;
    return { found: { command: args[key] as string, key }, holder: args, prefix: '' };
  }
  return null;
}

/**
 * The command line a shell-like tool call runs, or null when the tool is not shell-like or its
 * arguments carry no command.
 */
export function shellCommandOf(tool: string, args: Record<string, unknown> | undefined, annotations?: unknown): ShellCommand | null {
  const at = locate(tool, args, annotations);
  if (at === null) return null;
  const cwd = firstCwd(at.holder);
  return { command: at.found.command, argument: `${at.prefix}${at.found.key}`, ...(cwd !== undefined ? { cwd } : {}) };
}

/** `shellCommandOf(…)?.command ?? null`, without the argument name and working directory (the core asks this on every call). */
export function shellCommandLineOf(tool: string, args: Record<string, unknown> | undefined, annotations?: unknown): string | null {
  return locate(tool, args, annotations)?.found.command ?? null;
}
