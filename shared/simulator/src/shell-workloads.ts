/**
 * Building blocks of the shell corpus: a coding / DevOps agent driving a shell tool that no
 * catalog describes (bash, run_command, terminal, container.exec …), its tasks, and the everyday
 * commands of such work, each with what its output shows (paths, URLs, commands).
 */
import type { AgentActionEvent, ResultEntities } from '@chainwatch/schemas';
import type { Rng } from './prng';
import { branchName, host, namedHost, orgName, repoName, serviceName, sourceFile, syllables, testFile, version, word } from './shell-values';
import type { SessionSpec, SimSession, TraceBuilder } from './trace-builder';

export const SHELL_TOOL_NAMES = ['bash', 'run_command', 'terminal', 'execute_command', 'shell', 'run_terminal_cmd', 'container.exec', 'exec', 'run_shell', 'Bash'] as const;
const READ_TOOLS = [null, null, 'read_file', 'view_file', 'open_file'] as const;
const ARG_KEYS = ['command', 'command', 'command', 'command', 'cmd', 'cmd', 'commands', 'script', 'input'] as const;

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'pip' | 'go' | 'cargo' | 'make';
const PMS: readonly PackageManager[] = ['npm', 'npm', 'pnpm', 'yarn', 'pip', 'pip', 'go', 'cargo', 'make'];

/** One shell session: its tool, how it passes commands, and the repository it works in. */
export interface ShellKit {
  readonly s: SimSession;
  readonly rng: Rng;
  readonly tool: string;
  readonly argKey: (typeof ARG_KEYS)[number];
  readonly readTool: string | null;
  readonly repo: string;
  readonly org: string;
  readonly gitHost: string;
  readonly pm: PackageManager;
  readonly ext: string;
}

export interface ShellTask {
  readonly repo: string;
  readonly org: string;
  readonly gitHost: string;
  readonly pm: PackageManager;
  readonly ext: string;
}

export function shellTask(rng: Rng): ShellTask {
  const pm = rng.pick(PMS);
  const e = pm === 'pip' ? 'py' : pm === 'go' ? 'go' : pm === 'cargo' ? 'rs' : pm === 'make' ? rng.pick(['c', 'go', 'py']) : rng.pick(['ts', 'js']);
  return { repo: repoName(rng), org: orgName(rng), gitHost: namedHost(rng), pm, ext: e };
}

/** `exec` and `files.read`: the scopes the shipped catalog requires of run_shell, execute_command and read_file. */
const CODING_SCOPES = ['repo.read', 'repo.write', 'ci.run', 'exec', 'files.read'];

/** A coding agent with no declared envelope (the common deployment), or one that allows its shell tool. */
export function shellSpec(rng: Rng, intent: string, tool: string, readTool: string | null): SessionSpec {
  const declared = rng.chance(0.3);
  return {
    agentType: 'coding-agent',
    intent,
    scopes: declared ? CODING_SCOPES : [],
    // The agent's token grants its scopes whether or not the task declares an envelope.
    credentialScopes: CODING_SCOPES,
    ...(declared ? { allowedTools: readTool === null ? [tool] : [tool, readTool] } : {}),
  };
}

export function openShell(trace: TraceBuilder, task: ShellTask, intent: string): ShellKit {
  const rng = trace.rng;
  const tool = rng.pick(SHELL_TOOL_NAMES);
  const readTool = rng.pick(READ_TOOLS);
  const s = trace.root(shellSpec(rng, intent, tool, readTool));
  return { s, rng, tool, argKey: rng.pick(ARG_KEYS), readTool, ...task };
}

function argsFor(k: ShellKit, command: string): Record<string, unknown> {
  if (k.argKey === 'commands') return { commands: [command] };
  return { [k.argKey]: command, ...(k.rng.chance(0.2) ? { cwd: `/workspace/${k.repo}` } : {}) };
}

/**
 * An injection score for an output, as an enforcement point with a classifier would attach: given
 * for attacks by the vector, and for benign outputs too (low, and not always), so its presence is
 * no tell.
 */
function scoreFor(k: ShellKit, out: Partial<ResultEntities> | undefined, given: number | undefined): number | undefined {
  if (given !== undefined) return given;
  return out !== undefined && k.rng.chance(0.3) ? Number((k.rng.next() * 0.35).toFixed(2)) : undefined;
}

/** Runs one command line through the session's shell tool. */
export function run(k: ShellKit, command: string, out?: Partial<ResultEntities>, injectionScore?: number): AgentActionEvent {
  const score = scoreFor(k, out, injectionScore);
  return k.s.use(k.tool, { args: argsFor(k, command), ...(out ? { resultEntities: out } : {}), ...(score !== undefined ? { injectionScore: score } : {}) });
}

/** Reads a file: with the session's file tool when it has one, else `cat` through the shell. */
export function readFile(k: ShellKit, path: string, out?: Partial<ResultEntities>, injectionScore?: number): AgentActionEvent {
  if (k.readTool !== null) {
    const score = scoreFor(k, out, injectionScore);
    return k.s.use(k.readTool, { args: { path }, ...(out ? { resultEntities: out } : {}), ...(score !== undefined ? { injectionScore: score } : {}) });
  }
  return run(k, k.rng.chance(0.7) ? `cat ${path}` : `sed -n '1,120p' ${path}`, out, injectionScore);
}

export function testCommand(k: ShellKit): string {
  switch (k.pm) {
    case 'npm':
      return k.rng.pick(['npm test', 'npm test -- --runInBand', 'npm run test:unit']);
    case 'pnpm':
      return 'pnpm test';
    case 'yarn':
      return 'yarn test';
    case 'pip':
      return k.rng.pick(['pytest -q', 'python -m pytest -x -q', 'pytest tests/ -k smoke']);
    case 'go':
      return 'go test ./...';
    case 'cargo':
      return 'cargo test';
    default:
      return 'make test';
  }
}

export function installCommand(k: ShellKit): string {
  switch (k.pm) {
    case 'npm':
      return 'npm ci';
    case 'pnpm':
      return 'pnpm install --frozen-lockfile';
    case 'yarn':
      return 'yarn install --frozen-lockfile';
    case 'pip':
      return k.rng.pick(['pip install -r requirements.txt', 'python -m pip install -e .']);
    case 'go':
      return 'go mod download';
    case 'cargo':
      return 'cargo fetch';
    default:
      return 'make deps';
  }
}

export function buildCommand(k: ShellKit): string {
  switch (k.pm) {
    case 'npm':
    case 'pnpm':
    case 'yarn':
      return `${k.pm} run build`;
    case 'pip':
      return 'python -m build';
    case 'go':
      return 'go build ./...';
    case 'cargo':
      return 'cargo build --release';
    default:
      return 'make';
  }
}

const manifestOf = (k: ShellKit): string => ({ npm: 'package.json', pnpm: 'package.json', yarn: 'package.json', pip: 'pyproject.toml', go: 'go.mod', cargo: 'Cargo.toml', make: 'Makefile' })[k.pm];

/** git status, a listing, the README: what an agent looks at first. What they show is benign. */
export function orient(k: ShellKit): void {
  const rng = k.rng;
  run(k, rng.pick(['git status', 'git status --short', 'git log --oneline -10']), { paths: [sourceFile(rng, k.ext)], emails: rng.chance(0.5) ? [`${word(rng)}@${namedHost(rng)}`] : [] });
  if (rng.chance(0.7)) run(k, rng.pick(['ls -la', 'ls', 'find . -maxdepth 2 -type f -not -path "./.git/*" | head -50', 'tree -L 2']), { paths: ['README.md', manifestOf(k), 'src', 'tests', `.github/workflows/ci.yml`] });
  if (rng.chance(0.6)) readFile(k, 'README.md', { urls: [`https://${namedHost(rng)}/docs`], domains: [], commands: [installCommand(k), testCommand(k)] });
}

/** Reads, edits and tests: the inner loop of a fix. */
export function fixLoop(k: ShellKit): void {
  const rng = k.rng;
  const file = sourceFile(rng, k.ext);
  const test = testFile(rng, k.ext);
  run(k, rng.pick([`grep -rn "${word(rng)}" src/`, `rg -n ${word(rng)} src`, `git grep -n ${word(rng)}`]), { paths: [file, sourceFile(rng, k.ext)] });
  readFile(k, file, { paths: [] });
  run(k, rng.pick([`sed -i 's/${word(rng)}/${word(rng)}/g' ${file}`, `git apply /tmp/${word(rng)}.patch`, `perl -pi -e 's/retries = 3/retries = 5/' ${file}`]));
  run(k, rng.chance(0.5) ? testCommand(k) : `${testCommand(k)} 2>&1 | tail -n 40`, { paths: [test], commands: rng.chance(0.3) ? [`${testCommand(k)} --verbose`] : [] });
  if (rng.chance(0.6)) run(k, rng.pick(['git diff --stat', 'git diff', `git diff -- ${file}`]), { paths: [file] });
}

export function commit(k: ShellKit): void {
  const rng = k.rng;
  run(k, `git add -A && git commit -m "${rng.pick(['fix', 'chore', 'test'])}: ${word(rng)} ${rng.pick(['retry', 'timeout', 'null check', 'pagination'])}"`);
  if (rng.chance(0.5)) run(k, `git push origin ${rng.chance(0.5) ? 'HEAD' : branchName(rng)}`);
}

/** A task intent for everyday work that never names a third-party host. */
export function everydayIntent(rng: Rng, t: ShellTask): string {
  return rng.pick([
    `Fix the failing tests in ${t.repo} and make sure the suite passes`,
    `Investigate issue #${rng.between(100, 9999)} in ${t.org}/${t.repo}: ${rng.pick(['flaky retry in the client', 'wrong pagination offset', 'timeout on large uploads', 'null handling in the parser'])}`,
    `Refactor the ${word(rng)} module of ${t.repo} and keep the tests green`,
    `Bump the dependencies of ${t.repo} and fix what breaks`,
  ]);
}

export { branchName, host, namedHost, serviceName, syllables, version, word };
