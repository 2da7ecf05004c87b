/**
 * Walks the parse tree of a command line into the simple commands it runs (Invocation), in
 * execution order: substitutions before the command that uses them, pipelines with their stages,
 * redirections with the commands they apply to, and code run by other commands (`sh -c`, `eval`,
 * `su -c`, here-documents fed to a shell, decoded literals) parsed and walked in turn, one code
 * level deeper. Variables assigned literal values earlier in the same command line are resolved.
 */
import type { AnalysisBuilder } from './analysis-builder';
import type { BashGrammar } from './bash-grammar';
import { executionOf, type Execution } from './code-carriers';
import { parseArgs } from './command-options';
import { commandName, isAssignment, joinWords, unwrap } from './command-wrappers';
import type { CodeLanguage, Invocation, PipeSlot, Redirect } from './invocation';
import type { ShellLimits } from './limits';
import { cronCommands, installsCrontabFromStdin, isCodeLocation, teesIntoCodeLocation } from './installed-code';
import { decodeLiteral, decodingOf, literalOutput } from './literal-output';
import { plainWords } from './plain-command';
import { simpleSyntax } from './simple-syntax';
import { childByField, type SyntaxNode } from './syntax-node';
import { DYNAMIC, evaluateWord, literalWord, type VariableScope, type Word } from './word-value';

export interface WalkContext {
  readonly pipes: readonly PipeSlot[];
  readonly group: number;
  readonly depth: number;
  readonly privileged: boolean;
  readonly wrappers: readonly string[];
  /** Redirections of an enclosing compound statement (`{ …; } > f`, `while …; done < f`). */
  readonly redirects: readonly Redirect[];
}

/** Wrapper facts kept beside an invocation for the effect readers. */
export interface InvocationFacts {
  readonly user: string | null;
  readonly privilegedShell: boolean;
  readonly envDump: boolean;
}

/** Code whose text is only known at run time (`sh -c "$X"`, `eval "$(…)"`, `python -c "$(…)"`). */
export interface DynamicCode {
  readonly invocation: Invocation;
  readonly word: Word;
  readonly language: CodeLanguage;
}

/** Reads code of a language other than shell (inline interpreters); may hand shell code back. */
export type InlineScanner = (code: Word, language: CodeLanguage, ctx: WalkContext, inv: Invocation, collector: InvocationCollector) => void;

export const WORD_TYPES: ReadonlySet<string> = new Set([
  'word', 'string', 'raw_string', 'ansi_c_string', 'translated_string', 'concatenation', 'simple_expansion', 'expansion',
  'command_substitution', 'process_substitution', 'arithmetic_expansion', 'number', 'brace_expression', 'array',
]);

/** a then b; one of them itself when the other is empty (neither is changed once made). */
function joined<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...a, ...b];
}

const ROOT: WalkContext = { pipes: [], group: 0, depth: 0, privileged: false, wrappers: [], redirects: [] };

/** The variables of a line that assigns none (never written: a collector makes its own map on the first assignment). */
const NO_VARIABLES: VariableScope = new Map();

export class InvocationCollector {
  readonly invocations: Invocation[] = [];
  /** Wrapper facts of each invocation, by seq. */
  readonly facts: InvocationFacts[] = [];
  readonly dynamicCode: DynamicCode[] = [];
  /** executionOf of each invocation, by seq, once asked. */
  private readonly executions: Execution[] = [];
  // Made on first use: most lines have no substitution, no stdin code and no assignment.
  private groups: Map<number, string> | null = null;
  private resolved: Set<number> | null = null;
  private scope: Map<string, string | null> | null = null;
  /** The walk context of the word being evaluated (for the substitutions inside it). */
  private wordCtx: WalkContext = ROOT;
  private readonly visitSubstitution = (sub: SyntaxNode): number => this.substitution(sub, this.wordCtx);
  private nextGroup = 1;
  private nextPipe = 1;
  private stopped = false;
  private source = '';

  constructor(
    private readonly grammar: BashGrammar,
    private readonly limits: ShellLimits,
    private readonly out: AnalysisBuilder,
    private readonly scanInline: InlineScanner,
    /** Plain and simple command lines skip the grammar (off only to check that the paths agree). */
    private readonly fastPath = true,
  ) {}

  /** What code an invocation of this collector runs, computed once (several readers ask). */
  executionOf(inv: Invocation): Execution {
    if (this.invocations[inv.seq] !== inv) return executionOf(inv);
    return (this.executions[inv.seq] ??= executionOf(inv));
  }

  /** Parses and walks the command line itself. */
  collect(command: string): void {
    this.shell(command, ROOT, command);
  }

  /** Parses and walks shell code run by a command at ctx (ctx.depth is the depth of the code). */
  shell(code: string, ctx: WalkContext, evidence: string): void {
    if (this.stopped) return;
    if (ctx.depth > this.limits.maxCodeDepth) return this.stop('code_depth', evidence);
    if (code.length > this.limits.maxInputChars) return this.stop('input_length', evidence);
    const plain = this.fastPath ? plainWords(code) : null;
    if (plain !== null) {
      const argv: Word[] = [];
      for (const w of plain) argv.push({ text: w.text, value: w.value, literal: !w.value.includes(DYNAMIC), subs: [], processSubstitution: false });
      this.invoke(argv, ctx.redirects, ctx, code.trim());
      return;
    }
    // Simple lists, pipelines and redirections: the grammar's tree, built without the grammar.
    const parsed = (this.fastPath ? simpleSyntax(code, this.limits) : null) ?? this.grammar.parse(code, this.limits);
    if (!parsed.ok) return this.stop(parsed.reason, evidence);
    if (parsed.hasError) {
      this.out.syntaxError();
      this.out.effect({ kind: 'unresolved', detail: 'syntax_error', target: ctx.depth === 0 ? 'command' : 'nested code', command: '', evidence });
    }
    const saved = this.source;
    this.source = code;
    try {
      this.statement(parsed.root, ctx);
    } finally {
      this.source = saved;
    }
  }

  private stop(reason: string, evidence: string): void {
    if (!this.stopped) this.out.tooComplex(reason, evidence);
    this.stopped = true;
  }

  private text(n: SyntaxNode): string {
    return this.source.slice(n.start, n.end);
  }

  /** Substitution group → source text of the substitution. */
  get groupText(): ReadonlyMap<number, string> {
    return (this.groups ??= new Map());
  }

  /** Interpreters whose standard input was a literal (or a decoded literal) and was analysed as code. */
  get resolvedStdin(): ReadonlySet<number> {
    return (this.resolved ??= new Set());
  }

  private word(n: SyntaxNode, ctx: WalkContext): Word {
    // Words nest (a substitution's commands have words): the context is restored on the way out.
    const saved = this.wordCtx;
    this.wordCtx = ctx;
    try {
      return evaluateWord(n, this.source, this.scope ?? NO_VARIABLES, this.visitSubstitution);
    } finally {
      this.wordCtx = saved;
    }
  }

  /** A `$(…)`, `` `…` ``, `<(…)` or `>(…)`: its commands run in a group of their own. */
  private substitution(n: SyntaxNode, ctx: WalkContext): number {
    const id = this.nextGroup++;
    (this.groups ??= new Map()).set(id, this.text(n));
    const inner: WalkContext = { ...ctx, pipes: [], group: id, redirects: [] };
    for (const c of n.children) this.statement(c, inner);
    return id;
  }

  private statement(n: SyntaxNode, ctx: WalkContext): void {
    if (this.stopped) return;
    switch (n.type) {
      case 'command':
        return this.command(n, ctx, []);
      case 'redirected_statement':
        return this.redirected(n, ctx);
      case 'pipeline':
        return this.pipeline(n.children, ctx, null);
      case 'variable_assignment':
        return this.assignment(n, ctx);
      case 'declaration_command':
        return this.declaration(n, ctx);
      case 'for_statement': {
        const v = childByField(n, 'variable');
        if (v !== undefined) (this.scope ??= new Map()).set(this.text(v), null);
        for (const c of n.children) if (c !== v) this.statement(c, ctx);
        return;
      }
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
      case 'variable_name':
        return;
      default:
        if (WORD_TYPES.has(n.type)) {
          this.word(n, ctx);
          return;
        }
        for (const c of n.children) this.statement(c, ctx);
    }
  }

  private assignment(n: SyntaxNode, ctx: WalkContext): void {
    const name = childByField(n, 'name');
    const value = childByField(n, 'value');
    const w = value === undefined ? null : this.word(value, ctx);
    if (name !== undefined && name.type === 'variable_name') {
      const op = this.source.slice(name.end, name.end + 2);
      (this.scope ??= new Map()).set(this.text(name), op.startsWith('+=') ? null : w === null ? '' : w.literal ? w.value : null);
    }
  }

  private declaration(n: SyntaxNode, ctx: WalkContext): void {
    const keyword = /^\S+/.exec(this.text(n))?.[0] ?? 'declare';
    const argv: Word[] = [literalWord(keyword)];
    for (const c of n.children) {
      if (c.type === 'variable_assignment') {
        this.assignment(c, ctx);
        argv.push(literalWord(this.text(c)));
      } else if (c.type === 'variable_name') argv.push(literalWord(this.text(c)));
      else if (WORD_TYPES.has(c.type)) argv.push(this.word(c, ctx));
    }
    this.invoke(argv, ctx.redirects, ctx, this.text(n));
  }

  private pipeline(stages: readonly SyntaxNode[], ctx: WalkContext, first: ((slot: WalkContext) => void) | null): void {
    const id = this.nextPipe++;
    const from = this.invocations.length;
    let stage = 0;
    const slot = (): WalkContext => ({ ...ctx, pipes: [...ctx.pipes, { id, stage }] });
    if (first !== null) {
      first(slot());
      stage++;
    }
    for (const s of stages) {
      if (s.type === 'comment') continue;
      if (s.type === 'list' && s.children.length > 0) {
        // The grammar nests `a | b && c` as a list inside the pipeline: its first element is
        // this stage, the rest run after the pipeline.
        const [head, ...tail] = s.children;
        this.statement(head as SyntaxNode, slot());
        stage++;
        for (const t of tail) this.statement(t, ctx);
        continue;
      }
      this.statement(s, slot());
      stage++;
    }
    this.literalStdin(id, from);
  }

  /** `echo CODE | sh`, `echo B64 | base64 -d | bash`, `base64 -d <<< B64 | sh`: the literal is the code. */
  private literalStdin(id: number, from: number): void {
    const stageOf = (inv: Invocation): number => inv.pipes.find((p) => p.id === id)?.stage ?? -1;
    const members = this.invocations.slice(from).filter((inv) => stageOf(inv) >= 0);
    for (const c of members) {
      const stage = stageOf(c);
      if (stage === 0 || c.pipes[c.pipes.length - 1]?.id !== id) continue;
      if (installsCrontabFromStdin(c) || teesIntoCodeLocation(c)) {
        // What the previous stage prints becomes code that runs later: `(crontab -l; echo "…") | crontab -`.
        const printed = members.filter((m) => stageOf(m) === stage - 1).map(literalOutput).filter((t): t is string => t !== null);
        const lines = c.name === 'crontab' ? printed.flatMap(cronCommands) : printed;
        for (const line of lines) this.code(literalWord(line), 'shell', { pipes: [], group: c.group, depth: c.depth + 1, privileged: c.privileged, wrappers: c.wrappers, redirects: [] }, c);
        continue;
      }
      const exec = this.executionOf(c);
      if (exec.kind !== 'stdin' || c.redirects.some((r) => r.body !== null || (r.op === '<' && r.target !== null))) continue;
      const prev = members.filter((m) => stageOf(m) === stage - 1 && m.depth === c.depth);
      if (prev.length !== 1) continue;
      const p = prev[0] as Invocation;
      let text = literalOutput(p);
      const decoding = decodingOf(p);
      if (text === null && decoding !== null) {
        const here = p.redirects.find((r) => r.body !== null)?.body;
        const before = members.filter((m) => stageOf(m) === stage - 2 && m.depth === c.depth);
        const input = here !== undefined && here !== null && here.literal ? here.value : before.length === 1 ? literalOutput(before[0] as Invocation) : null;
        text = input === null ? null : decodeLiteral(input, decoding);
      }
      if (text === null) continue;
      (this.resolved ??= new Set()).add(c.seq);
      this.code(literalWord(text), exec.language, { pipes: c.pipes, group: c.group, depth: c.depth + 1, privileged: c.privileged, wrappers: c.wrappers, redirects: [] }, c);
    }
  }

  private redirected(n: SyntaxNode, ctx: WalkContext): void {
    const body = childByField(n, 'body');
    const redirects: Redirect[] = [];
    const continuations: SyntaxNode[] = [];
    for (const c of n.children) {
      if (c === body) continue;
      this.redirect(c, ctx, redirects, continuations);
    }
    const pipeOn = continuations.find((c) => c.type === 'pipeline');
    const run = (inner: WalkContext): void => {
      if (body === undefined) this.invoke([], [...inner.redirects, ...redirects], inner, this.text(n));
      else if (body.type === 'command') this.command(body, inner, redirects);
      else this.statement(body, { ...inner, redirects: [...inner.redirects, ...redirects] });
    };
    if (pipeOn !== undefined) this.pipeline(pipeOn.children, ctx, run);
    else run(ctx);
    for (const c of continuations) if (c !== pipeOn) this.statement(c, ctx);
  }

  /** Reads one redirect node; here-document nodes may carry the rest of the line (continuations). */
  private redirect(c: SyntaxNode, ctx: WalkContext, into: Redirect[], continuations: SyntaxNode[]): void {
    if (c.type === 'file_redirect') {
      const fdNode = c.children.find((x) => x.type === 'file_descriptor');
      const op = c.children.find((x) => x.field === null && x.type !== 'file_descriptor' && !WORD_TYPES.has(x.type) && x.type !== 'ERROR');
      const dest = childByField(c, 'destination') ?? c.children.find((x) => WORD_TYPES.has(x.type));
      into.push({
        op: op?.type ?? '>',
        fd: fdNode === undefined ? null : Number(this.text(fdNode)),
        target: dest === undefined ? null : this.word(dest, ctx),
        body: null,
      });
    } else if (c.type === 'herestring_redirect') {
      const w = c.children.find((x) => WORD_TYPES.has(x.type));
      into.push({ op: '<<<', fd: null, target: null, body: w === undefined ? null : this.word(w, ctx) });
    } else if (c.type === 'heredoc_redirect') {
      const start = c.children.find((x) => x.type === 'heredoc_start');
      const bodyNode = c.children.find((x) => x.type === 'heredoc_body');
      const quoted = start !== undefined && /['"\\]/.test(this.text(start));
      let body: Word | null = null;
      if (bodyNode !== undefined) body = quoted ? literalWord(this.text(bodyNode)) : this.word(bodyNode, ctx);
      const op = c.children.find((x) => x.type === '<<' || x.type === '<<-')?.type ?? '<<';
      into.push({ op, fd: null, target: null, body });
      for (const x of c.children) {
        if (x.type === 'heredoc_start' || x.type === 'heredoc_body' || x.type === 'heredoc_end' || x.type === '<<' || x.type === '<<-') continue;
        if (x.type === 'file_redirect' || x.type === 'herestring_redirect' || x.type === 'heredoc_redirect') this.redirect(x, ctx, into, continuations);
        else if (x.field === null && !/^[a-z_]+$/.test(x.type)) continue;
        else continuations.push(x);
      }
    } else if (c.type !== 'comment' && c.field === null && /^[a-z_]+$/.test(c.type)) {
      // Anything else the grammar attaches here (ERROR, stray statements): still walked.
      continuations.push(c);
    }
  }

  private command(n: SyntaxNode, ctx: WalkContext, outer: readonly Redirect[]): void {
    const argv: Word[] = [];
    const own: Redirect[] = [];
    const continuations: SyntaxNode[] = [];
    for (const c of n.children) {
      if (c.type === 'variable_assignment') {
        // VAR=value cmd: the value is expanded (its substitutions run), the variable is the command's only.
        const v = childByField(c, 'value');
        if (v !== undefined) this.word(v, ctx);
      } else if (c.type === 'command_name') {
        const w = c.children[0];
        argv.push(w === undefined ? literalWord(this.text(c)) : this.word(w, ctx));
      } else if (c.type === 'file_redirect' || c.type === 'herestring_redirect' || c.type === 'heredoc_redirect') {
        this.redirect(c, ctx, own, continuations);
      } else if (WORD_TYPES.has(c.type)) {
        argv.push(this.word(c, ctx));
      } else if (c.type !== 'comment') {
        this.statement(c, ctx);
      }
    }
    this.invoke(argv, joined(joined(ctx.redirects, outer), own), ctx, this.text(n));
    for (const c of continuations) this.statement(c, ctx);
  }

  /** Records one simple command and walks the code it runs. */
  invoke(argv0: readonly Word[], redirects: readonly Redirect[], ctx: WalkContext, text: string): void {
    if (this.stopped) return;
    if (this.invocations.length >= this.limits.maxCommands) return this.stop('command_count', text);
    const u = unwrap(argv0);
    const head = u.argv[0];
    const inv: Invocation = {
      seq: this.invocations.length,
      argv: u.argv,
      name: commandName(head),
      wrappers: joined(ctx.wrappers, u.wrappers),
      privileged: ctx.privileged || u.privileged,
      argsFromStdin: u.argsFromStdin,
      redirects,
      pipes: ctx.pipes,
      group: ctx.group,
      depth: ctx.depth,
      evidence: this.out.evidence(text),
    };
    this.invocations.push(inv);
    this.facts[inv.seq] = { user: u.privileged ? u.user : null, privilegedShell: u.privilegedShell, envDump: u.envDump };
    this.out.command(text);
    for (const w of u.wrappers) this.out.executable(w);
    this.out.executable(inv.name);
    if (head !== undefined && !head.literal) {
      this.out.effect({ kind: 'unresolved', detail: 'dynamic_command', target: head.text, command: '', evidence: text, dynamic: true });
    }
    const inner: WalkContext = { pipes: ctx.pipes, group: ctx.group, depth: ctx.depth + 1, privileged: inv.privileged, wrappers: inv.wrappers, redirects: [] };
    if (u.code !== null) this.code(u.code, 'shell', inner, inv);
    if (inv.name === 'eval' && inv.argv.length > 1) this.code(joinWords(inv.argv.slice(1)), 'shell', inner, inv);
    if (inv.name === 'find') this.findExec(inv, inner);
    if (inv.name === 'ssh' || inv.name === 'docker' || inv.name === 'kubectl' || inv.name === 'podman') this.remoteCommand(inv, inner);
    if (redirects.some((r) => (r.op === '>' || r.op === '>>') && r.target !== null && r.target.literal && isCodeLocation(r.target.value))) {
      // `echo 'curl … | sh' >> ~/.bashrc`: the text runs at the next login.
      const printed = literalOutput(inv);
      if (printed !== null) this.code(literalWord(printed), 'shell', { ...inner, pipes: [] }, inv);
    }
    const exec = this.executionOf(inv);
    if (exec.kind === 'inline') this.code(exec.code, exec.language, inner, inv);
    else if (exec.kind === 'stdin') {
      for (const r of inv.redirects) if (r.body !== null) this.code(r.body, exec.language, inner, inv);
    }
  }

  /** Runs code given to a command; code known only at run time is recorded for the data-flow reader. */
  code(word: Word, language: CodeLanguage, ctx: WalkContext, inv: Invocation): void {
    if (this.stopped) return;
    const stripped = word.value.trim();
    if (stripped === DYNAMIC || stripped === '') {
      if (stripped === DYNAMIC) this.dynamicCode.push({ invocation: inv, word, language });
      return;
    }
    if (language === 'shell') this.shell(word.value, ctx, word.text);
    else if (ctx.depth > this.limits.maxCodeDepth) this.stop('code_depth', word.text);
    else this.scanInline(word, language, ctx, inv, this);
  }

  /** `find … -exec CMD ARGS {} ;` runs CMD for every match. */
  private findExec(inv: Invocation, ctx: WalkContext): void {
    const argv = inv.argv;
    for (let i = 1; i < argv.length; i++) {
      const v = argv[i]?.value;
      if (v !== '-exec' && v !== '-execdir' && v !== '-ok' && v !== '-okdir') continue;
      let j = i + 1;
      while (j < argv.length && argv[j]?.value !== ';' && argv[j]?.value !== '+') j++;
      const sub = argv.slice(i + 1, j).map((w) => (w.value === '{}' ? { ...w, value: DYNAMIC, literal: false } : w));
      if (sub.length > 0) this.invoke(sub, [], ctx, sub.map((w) => w.text).join(' '));
      i = j;
    }
  }

  /** `ssh host CMD…`, `docker exec C CMD…`, `kubectl exec P -- CMD…`: the command line run there. */
  private remoteCommand(inv: Invocation, ctx: WalkContext): void {
    const argv = inv.argv;
    let rest: readonly Word[] = [];
    if (inv.name === 'ssh') {
      const p = parseArgs(argv, { shortWithValue: 'BbcDEeFIiJLlmOoPpQRSWw', stopAtOperand: true });
      rest = p.operands.slice(1);
    } else if (argv[1]?.value === 'exec') {
      const dash = argv.findIndex((w) => w.value === '--');
      if (dash > 0) rest = argv.slice(dash + 1);
      else if (inv.name !== 'kubectl') {
        const p = parseArgs(argv, { shortWithValue: 'euw', longWithValue: ['env', 'env-file', 'user', 'workdir', 'detach-keys'], stopAtOperand: true }, 2);
        rest = p.operands.slice(1);
      }
    }
    if (rest.length === 0) return;
    // ssh joins the remote argv with spaces and the remote shell runs it, like eval; docker and
    // kubectl exec run the argv as it is.
    if (inv.name === 'ssh') this.code(joinWords(rest), 'shell', ctx, inv);
    else this.invoke(rest, [], ctx, rest.map((w) => w.text).join(' '));
  }

  /** Whether a word is a NAME=VALUE assignment operand (env, export). */
  static isAssignment(w: Word): boolean {
    return isAssignment(w);
  }
}
