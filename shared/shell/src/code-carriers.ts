/**
 * Commands that run code: shells (`sh -c CODE`, `bash script`, `bash` reading standard input),
 * interpreters given code inline (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`,
 * `awk PROGRAM`), `source FILE`, and programs run by path (`./x`, `/tmp/x`).
 */
import { hasOption, optionValues, parseArgs, type OptionSpec } from './command-options';
import type { CodeLanguage, Invocation } from './invocation';
import { baseName } from './normalise';
import { literalWord, type Word } from './word-value';

export type Execution =
  | { readonly kind: 'inline'; readonly language: CodeLanguage; readonly code: Word }
  | { readonly kind: 'stdin'; readonly language: CodeLanguage }
  | { readonly kind: 'script'; readonly language: CodeLanguage; readonly script: Word }
  | { readonly kind: 'none' };

const NONE: Execution = { kind: 'none' };

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'rbash']);

interface Interpreter {
  readonly language: CodeLanguage;
  readonly options: OptionSpec;
  /** Options whose value is inline code. */
  readonly inline: readonly string[];
  /** The first operand is the program text (awk). */
  readonly programOperand?: boolean;
  /** Options whose value is a script file (php -f, awk -f). */
  readonly scriptOption?: readonly string[];
}

const PYTHON: Interpreter = { language: 'python', options: { shortWithValue: 'cmWXQ', stopAtOperand: true }, inline: ['c'] };
const NODE: Interpreter = {
  language: 'javascript',
  options: { shortWithValue: 'eprC', longWithValue: ['eval', 'print', 'require', 'input-type', 'import', 'loader', 'experimental-loader', 'conditions', 'env-file', 'title'], stopAtOperand: true },
  inline: ['e', 'eval', 'p', 'print'],
};
const PERL: Interpreter = { language: 'perl', options: { shortWithValue: 'eE', stopAtOperand: true }, inline: ['e', 'E'] };
const RUBY: Interpreter = { language: 'ruby', options: { shortWithValue: 'erICFx', stopAtOperand: true }, inline: ['e'] };
const PHP: Interpreter = { language: 'php', options: { shortWithValue: 'rfdcB', stopAtOperand: true }, inline: ['r'], scriptOption: ['f'] };
const AWK: Interpreter = { language: 'awk', options: { shortWithValue: 'vFf', longWithValue: ['assign', 'field-separator', 'file', 'source', 'include'], stopAtOperand: true }, inline: ['source'], programOperand: true, scriptOption: ['f', 'file'] };
const OTHER_E: Interpreter = { language: 'other', options: { shortWithValue: 'e', stopAtOperand: true }, inline: ['e'] };

function interpreterOf(name: string): Interpreter | undefined {
  if (name === 'python' || name === 'pypy' || name === 'pypy3' || /^python[23](?:\.\d+)?$/.test(name)) return PYTHON;
  switch (name) {
    case 'node':
    case 'nodejs':
    case 'bun':
      return NODE;
    case 'perl':
      return PERL;
    case 'ruby':
      return RUBY;
    case 'php':
      return PHP;
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk':
      return AWK;
    case 'osascript':
    case 'lua':
    case 'Rscript':
      return OTHER_E;
    default:
      return undefined;
  }
}

const SHELL_OPTIONS: OptionSpec = { shortWithValue: 'oO', longWithValue: ['rcfile', 'init-file'], stopAtOperand: true };

/** What code an invocation runs (the collector keeps it per invocation: several readers ask). */
export function executionOf(inv: Invocation): Execution {
  const argv = inv.argv;
  const name = inv.name;
  if (name === '') return NONE;
  if (SHELLS.has(name)) {
    const p = parseArgs(argv, SHELL_OPTIONS);
    if (hasOption(p, 'c')) {
      const code = p.operands[0];
      return code === undefined ? NONE : { kind: 'inline', language: 'shell', code };
    }
    const first = p.operands[0];
    if (hasOption(p, 's') || first === undefined || first.value === '-') return { kind: 'stdin', language: 'shell' };
    return { kind: 'script', language: 'shell', script: first };
  }
  if (name === 'source' || name === '.') {
    const file = argv[1];
    return file === undefined ? NONE : { kind: 'script', language: 'shell', script: file };
  }
  if (name === 'deno') {
    const sub = argv[1]?.value;
    if (sub === 'eval' && argv[2] !== undefined) return { kind: 'inline', language: 'javascript', code: argv[argv.length - 1] as Word };
    if (sub === 'run') {
      const p = parseArgs(argv, { stopAtOperand: true }, 2);
      const file = p.operands[0];
      return file === undefined ? NONE : { kind: 'script', language: 'javascript', script: file };
    }
    return NONE;
  }
  const interp = interpreterOf(name);
  if (interp !== undefined) {
    const p = parseArgs(argv, interp.options);
    const inline = optionValues(p, ...interp.inline);
    if (inline.length > 0) {
      const code = inline.length === 1 ? (inline[0] as Word) : joinCode(inline);
      return { kind: 'inline', language: interp.language, code };
    }
    const scriptOpt = interp.scriptOption !== undefined ? optionValues(p, ...interp.scriptOption)[0] : undefined;
    if (scriptOpt !== undefined) return { kind: 'script', language: interp.language, script: scriptOpt };
    if (interp.language === 'python' && hasOption(p, 'm')) return NONE;
    const first = p.operands[0];
    if (interp.programOperand) return first === undefined ? NONE : { kind: 'inline', language: interp.language, code: first };
    if (first === undefined || first.value === '-') return interp.language === 'other' ? NONE : { kind: 'stdin', language: interp.language };
    return { kind: 'script', language: interp.language, script: first };
  }
  // Run by path: ./configure, /tmp/x, bin/tool.
  if (name.includes('/')) return { kind: 'script', language: languageOfFile(name), script: argv[0] as Word };
  return NONE;
}

function joinCode(parts: readonly Word[]): Word {
  const w = literalWord(parts.map((p) => p.value).join('\n'));
  return { ...w, text: parts.map((p) => p.text).join('\n'), subs: parts.flatMap((p) => [...p.subs]) };
}

export function languageOfFile(path: string): CodeLanguage {
  const b = baseName(path);
  if (b.endsWith('.py')) return 'python';
  if (b.endsWith('.js') || b.endsWith('.mjs') || b.endsWith('.cjs') || b.endsWith('.ts')) return 'javascript';
  if (b.endsWith('.pl')) return 'perl';
  if (b.endsWith('.rb')) return 'ruby';
  if (b.endsWith('.php')) return 'php';
  return 'shell';
}

/** Interpreters that read a program from standard input when given none (for `… | sh`). */
export function stdinLanguageOf(inv: Invocation): CodeLanguage | null {
  const e = executionOf(inv);
  return e.kind === 'stdin' ? e.language : null;
}
