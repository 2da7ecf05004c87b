/**
 * Commands that only launch another command (sudo, env, nohup, timeout, xargs …): peeled off so
 * the effects are read from the command that really runs, and remembered (a command under sudo is
 * privileged; one under xargs gets arguments from standard input).
 */
import { parseArgs, hasOption, optionValues, type OptionSpec } from './command-options';
import { literalWord, type Word } from './word-value';

interface WrapperSpec {
  readonly options: OptionSpec;
  /** Operands of the wrapper itself before the command (timeout DURATION, chroot DIR). */
  readonly skip?: number;
  readonly privileged?: boolean;
  /** Leading NAME=VALUE operands are the command's environment (env). */
  readonly assignments?: boolean;
  /** The option whose value is a shell command line (su -c, flock -c, script -c). */
  readonly codeOption?: string;
  /** All operands form one shell command line (watch). */
  readonly operandsAreCode?: boolean;
  readonly stdinArgs?: boolean;
  /** Options after which nothing is executed (command -v, sudo -l). */
  readonly noExec?: readonly string[];
}

const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map<string, WrapperSpec>([
  ['sudo', { options: { shortWithValue: 'ugpCDrtUT', longWithValue: ['user', 'group', 'prompt', 'close-from', 'chdir', 'role', 'type', 'other-user', 'host', 'command-timeout'], stopAtOperand: true }, privileged: true, noExec: ['l', 'list', 'v', 'validate', 'k', 'K', 'V', 'version', 'h', 'help'] }],
  ['doas', { options: { shortWithValue: 'uC', stopAtOperand: true }, privileged: true }],
  ['pkexec', { options: { longWithValue: ['user'], stopAtOperand: true }, privileged: true }],
  ['su', { options: { shortWithValue: 'cgGs', longWithValue: ['command', 'group', 'supp-group', 'shell', 'whitelist-environment'], stopAtOperand: false }, privileged: true, codeOption: 'c', skip: 1 }],
  ['runuser', { options: { shortWithValue: 'cgGsu', longWithValue: ['command', 'group', 'supp-group', 'shell', 'user'], stopAtOperand: true }, privileged: true, codeOption: 'c' }],
  ['env', { options: { shortWithValue: 'uCS', longWithValue: ['unset', 'chdir', 'split-string'], stopAtOperand: true }, assignments: true, codeOption: 'S' }],
  ['nohup', { options: { stopAtOperand: true } }],
  ['setsid', { options: { stopAtOperand: true } }],
  ['time', { options: { shortWithValue: 'fo', longWithValue: ['format', 'output'], stopAtOperand: true } }],
  ['nice', { options: { shortWithValue: 'n', longWithValue: ['adjustment'], stopAtOperand: true } }],
  ['ionice', { options: { shortWithValue: 'cnp', longWithValue: ['class', 'classdata', 'pid'], stopAtOperand: true } }],
  ['stdbuf', { options: { shortWithValue: 'ioe', longWithValue: ['input', 'output', 'error'], stopAtOperand: true } }],
  ['timeout', { options: { shortWithValue: 'sk', longWithValue: ['signal', 'kill-after'], stopAtOperand: true }, skip: 1 }],
  ['command', { options: { stopAtOperand: true }, noExec: ['v', 'V'] }],
  ['builtin', { options: { stopAtOperand: true } }],
  ['exec', { options: { shortWithValue: 'a', stopAtOperand: true } }],
  ['xargs', { options: { shortWithValue: 'IEnPsdaL', longWithValue: ['replace', 'eof', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'delimiter', 'arg-file', 'process-slot-var'], stopAtOperand: true }, stdinArgs: true }],
  ['chroot', { options: { longWithValue: ['userspec', 'groups'], stopAtOperand: true }, skip: 1, privileged: true }],
  ['flock', { options: { shortWithValue: 'wEc', longWithValue: ['timeout', 'conflict-exit-code', 'command'], stopAtOperand: true }, skip: 1, codeOption: 'c' }],
  ['script', { options: { shortWithValue: 'cEIOBTm', longWithValue: ['command', 'echo', 'log-in', 'log-out', 'log-io', 'log-timing', 'logging-format'], stopAtOperand: false }, codeOption: 'c' }],
  ['watch', { options: { shortWithValue: 'nd', longWithValue: ['interval', 'differences'], stopAtOperand: true }, operandsAreCode: true }],
  ['unbuffer', { options: { stopAtOperand: true } }],
  ['caffeinate', { options: { shortWithValue: 'tw', stopAtOperand: true } }],
  ['proxychains', { options: { shortWithValue: 'f', stopAtOperand: true } }],
  ['proxychains4', { options: { shortWithValue: 'f', stopAtOperand: true } }],
  ['torsocks', { options: { shortWithValue: 'aPuw', stopAtOperand: true } }],
  ['strace', { options: { shortWithValue: 'eopsuSEIbPX', stopAtOperand: true } }],
  ['ltrace', { options: { shortWithValue: 'eopsunSEIbPX', stopAtOperand: true } }],
  ['systemd-run', { options: { shortWithValue: 'pEM', longWithValue: ['unit', 'property', 'description', 'slice', 'uid', 'gid', 'nice', 'working-directory', 'setenv', 'on-active', 'on-boot', 'on-calendar', 'machine', 'host'], stopAtOperand: true } }],
  ['firejail', { options: { stopAtOperand: true } }],
  ['busybox', { options: { stopAtOperand: true } }],
]);

export interface Unwrapped {
  readonly argv: readonly Word[];
  readonly wrappers: readonly string[];
  readonly privileged: boolean;
  readonly argsFromStdin: boolean;
  /** The wrapper launches a root shell or an interactive privileged session (sudo -i, sudo -s, su). */
  readonly privilegedShell: boolean;
  /** `env` (or `sudo env`) with no command: prints the environment. */
  readonly envDump: boolean;
  /** A shell command line the wrapper runs (su -c, flock -c, watch …). */
  readonly code: Word | null;
  /** The user a privileged wrapper switches to ('root' unless -u / an operand says otherwise). */
  readonly user: string;
}

const MAX_WRAPPERS = 16;

const SYSTEM_BIN_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/local/bin/', '/usr/local/sbin/', '/opt/homebrew/bin/'];

/**
 * The executable's name: the basename for system binaries (`/usr/bin/curl` is curl), the path as
 * written for anything else run by path (`./x.sh`, `/tmp/x`), '' when not static.
 */
export function commandName(w: Word | undefined): string {
  if (w === undefined || !w.literal || w.value === '') return '';
  const v = w.value;
  if (!v.includes('/')) return v;
  for (const dir of SYSTEM_BIN_DIRS) if (v.startsWith(dir) && !v.slice(dir.length).includes('/')) return v.slice(dir.length);
  return v;
}

/** Peels wrappers off argv. */
export function unwrap(argv0: readonly Word[]): Unwrapped {
  let argv = argv0;
  const wrappers: string[] = [];
  let privileged = false;
  let argsFromStdin = false;
  let privilegedShell = false;
  let envDump = false;
  let code: Word | null = null;
  let user = 'root';
  for (let round = 0; round < MAX_WRAPPERS; round++) {
    const name = commandName(argv[0]);
    const spec = WRAPPERS.get(name);
    if (spec === undefined) break;
    const parsed = parseArgs(argv, spec.options);
    if (spec.noExec !== undefined && hasOption(parsed, ...spec.noExec)) break;
    let start = parsed.stop;
    if (spec.skip !== undefined && spec.options.stopAtOperand) {
      start = Math.min(argv.length, start + spec.skip);
    }
    if (spec.assignments) while (start < argv.length && isAssignment(argv[start] as Word)) start++;
    wrappers.push(name);
    if (spec.privileged) {
      privileged = true;
      const u = optionValues(parsed, 'u', 'user')[0] ?? (name === 'su' || name === 'runuser' ? parsed.operands.find((w) => w.value !== '-') : undefined);
      if (u !== undefined) user = u.literal ? u.value : u.text;
    }
    if (spec.stdinArgs) argsFromStdin = true;
    if (spec.codeOption !== undefined) {
      // The option may also follow the wrapper's own operand: flock FILE -c CODE.
      const after = argv[start]?.value === `-${spec.codeOption}` ? argv[start + 1] : undefined;
      const c = optionValues(parsed, spec.codeOption, spec.codeOption === 'c' ? 'command' : 'split-string')[0] ?? after;
      if (c !== undefined) {
        code = c;
        argv = [];
        break;
      }
    }
    if (!spec.options.stopAtOperand) {
      // su, script: without -c they start an interactive shell, never a command of their own.
      privilegedShell = spec.privileged === true;
      argv = [];
      break;
    }
    if (spec.operandsAreCode) {
      const rest = argv.slice(start);
      code = rest.length === 0 ? null : joinWords(rest);
      argv = [];
      break;
    }
    if (start >= argv.length) {
      if (name === 'env') envDump = true;
      if (spec.privileged && (name !== 'sudo' || hasOption(parsed, 'i', 's', 'login', 'shell'))) privilegedShell = true;
      argv = [];
      break;
    }
    argv = argv.slice(start);
  }
  return { argv, wrappers, privileged, argsFromStdin, privilegedShell, envDump, code, user };
}

export function isAssignment(w: Word): boolean {
  const eq = w.value.indexOf('=');
  return eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.value.slice(0, eq));
}

/** Words joined the way `eval` and `watch` join them: with single spaces. */
export function joinWords(words: readonly Word[]): Word {
  const value = words.map((w) => w.value).join(' ');
  const joined = literalWord(value);
  return { ...joined, text: words.map((w) => w.text).join(' '), subs: words.flatMap((w) => [...w.subs]) };
}
