/**
 * A compiled, immutable rule set: every condition and sequence step is expanded, type-checked
 * and compiled once at load; evaluate() runs each compiled condition at most once per event.
 */
import { createHash } from 'node:crypto';
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import type { RuleContext, RuleMatch } from '../rule-context';
import { buildActivation, createRuleEnvironment, type Activation } from './cel-environment';
import { compileCondition } from './cel-compiler';
import { MacroExpander, MacroExpansionError } from './macro-expander';
import { MessageTemplate } from './message-template';
import { DETECTOR_RULES } from '../registry/detector-rules';
import { buildRegistry, type PolicyRegistry } from './policy-registry';
import { readPolicySource, type LocatedItem, type PolicySource } from './policy-source';
import type { RuleItem } from './rule-file-schema';
import { RuleSetError, type RuleIssue } from './rule-set-error';
import {
  recordHead,
  recordSlot,
  recordStep,
  REC_IDS,
  REC_START_IDX,
  REC_START_TS,
  restoreState,
  SequenceStateImpl,
  SequenceStateJson,
  type SequenceSlot,
  type SequenceState,
} from './sequence-state';

export type RuleSeverity = RuleMatch['severity'];

export interface RuleInfo {
  readonly id: string;
  readonly version: number;
  readonly severity: RuleSeverity;
  readonly confidence: number;
  readonly tags: readonly string[];
  readonly description: string;
  readonly enabled: boolean;
  readonly maturity: 'stable' | 'incubating' | 'sandbox' | 'deprecated';
  readonly kind: 'condition' | 'sequence';
  /** Place in the order of a decision (see registry/detector-rules.ts). */
  readonly role: 'authority' | 'evidence' | 'heuristic' | 'context';
  /** Number of steps of a sequence rule (1 for a condition rule). */
  readonly steps: number;
  /** Source (file) and line of the effective definition. */
  readonly source: string;
}

/** How the policy adjusts a rule a detector raises. */
export interface DetectorTuningInfo {
  readonly enabled: boolean;
  readonly severity?: RuleSeverity;
  readonly confidence?: number;
  /** Exceptions (its user_* macro, `exceptions:` items) may suppress it: ask excepted(). */
  readonly hasExceptions: boolean;
}

export interface RuleSet {
  /** Content hash of the effective policy (lists, macros, rules after overrides). */
  readonly version: string;
  readonly rules: readonly RuleInfo[];
  /** Adjustments of a detector-raised rule id; undefined when the policy leaves it as it is. */
  detectorTuning(id: string): DetectorTuningInfo | undefined;
  /** An exception of the detector-raised rule `id` holds for this context. */
  excepted(id: string, ctx: RuleContext): boolean;
  /**
   * Rules that fired for this event; advances `seq` (the session's sequence state). A rule's
   * evaluation error counts as no match and is counted, never thrown. Throws TypeError only when
   * `seq` was not created by a RuleSet (a programming error).
   */
  evaluate(ctx: RuleContext, seq: SequenceState): RuleMatch[];
  newSequenceState(): SequenceState;
  /** Rebuild a state from SequenceState.toJSON(); throws RuleSetStateError when the snapshot is malformed. */
  restoreSequenceState(json: unknown): SequenceState;
  /** Evaluation errors since load (missing field, type error), total and per rule id. */
  readonly evaluationErrors: number;
  evaluationErrorsByRule(): ReadonlyMap<string, number>;
}

export class RuleSetStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSetStateError';
  }
}

type Compiled = (act: Activation) => unknown;

interface CompiledRule {
  readonly info: RuleInfo;
  readonly template: MessageTemplate;
  readonly tags: readonly string[];
  /** The rule does not fire when one of these holds for the (final) event. */
  readonly exceptions: readonly Compiled[];
  errors: number;
}

interface CompiledTuning extends DetectorTuningInfo {
  readonly exceptionFns: readonly Compiled[];
}
interface ConditionRule extends CompiledRule {
  readonly fn: Compiled;
}
interface SequenceRule extends CompiledRule {
  readonly steps: readonly Compiled[];
  readonly withinMs: number;
  readonly withinEvents: number;
  readonly maxPartials: number;
  /** Per-event cache of step results: 0 not evaluated, 1 true, 2 false. */
  readonly cache: Uint8Array;
}

const EMPTY: RuleMatch[] = [];

class CompiledRuleSet implements RuleSet {
  private errorTotal = 0;
  private readonly slots: readonly SequenceSlot[];
  /** Partial matches being rebuilt for the current event (evaluate is synchronous, never re-entered). */
  private readonly scratch: (readonly SequenceSlot[] | number | string)[] = [];

  /** The activation of the last context asked about (excepted() is called once per finding of an event). */
  private lastCtx: RuleContext | null = null;
  private lastAct: Activation | null = null;

  constructor(
    readonly version: string,
    readonly rules: readonly RuleInfo[],
    private readonly conditions: readonly ConditionRule[],
    private readonly sequences: readonly SequenceRule[],
    private readonly tunings: ReadonlyMap<string, CompiledTuning>,
  ) {
    this.slots = sequences.map((s) => ({ id: s.info.id, version: s.info.version, steps: s.steps.length, maxPartials: s.maxPartials }));
  }

  detectorTuning(id: string): DetectorTuningInfo | undefined {
    return this.tunings.get(id);
  }

  excepted(id: string, ctx: RuleContext): boolean {
    const t = this.tunings.get(id);
    if (t === undefined || t.exceptionFns.length === 0) return false;
    if (this.lastCtx !== ctx) {
      this.lastCtx = ctx;
      this.lastAct = buildActivation(ctx);
    }
    return this.anyHolds(t.exceptionFns, this.lastAct as Activation);
  }

  private anyHolds(fns: readonly Compiled[], act: Activation): boolean {
    for (const fn of fns) {
      try {
        if (fn(act) === true) return true;
      } catch {
        this.errorTotal++;
      }
    }
    return false;
  }

  get evaluationErrors(): number {
    return this.errorTotal;
  }

  evaluationErrorsByRule(): ReadonlyMap<string, number> {
    const m = new Map<string, number>();
    for (const r of [...this.conditions, ...this.sequences]) if (r.errors > 0) m.set(r.info.id, r.errors);
    return m;
  }

  newSequenceState(): SequenceState {
    // No partials yet: a counter and a null reference (the slot list is written with the first partial).
    return new SequenceStateImpl(0, null);
  }

  restoreSequenceState(json: unknown): SequenceState {
    const parsed = SequenceStateJson.safeParse(json);
    if (!parsed.success) throw new RuleSetStateError(`malformed sequence state: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return restoreState(this.slots, parsed.data);
  }

  evaluate(ctx: RuleContext, seq: SequenceState): RuleMatch[] {
    const act = buildActivation(ctx);
    let out: RuleMatch[] | undefined;
    for (const rule of this.conditions) {
      let hit: unknown;
      try {
        hit = rule.fn(act);
      } catch {
        rule.errors++;
        this.errorTotal++;
        continue;
      }
      if (hit === true && (rule.exceptions.length === 0 || !this.anyHolds(rule.exceptions, act))) (out ??= []).push(this.match(rule, ctx, [ctx.event.event_id]));
    }
    if (this.sequences.length > 0) {
      const state = this.adopt(seq);
      const idx = state.counter++;
      out = this.advance(state, act, ctx, idx, out);
    }
    return out ?? EMPTY;
  }

  /** A state made by another (older) rule set is remapped by rule id and version. */
  private adopt(seq: SequenceState): SequenceStateImpl {
    if (!(seq instanceof SequenceStateImpl)) throw new TypeError('evaluate: sequence state was not created by a RuleSet');
    if (seq.data !== null && seq.slots !== this.slots) seq.data = restoreState(this.slots, seq.toJSON()).data;
    return seq;
  }

  /** Step `k` of `rule` for this event, evaluated at most once. */
  private step(rule: SequenceRule, k: number, act: Activation): boolean {
    const cached = rule.cache[k];
    if (cached !== 0) return cached === 1;
    let hit = false;
    try {
      hit = (rule.steps[k] as Compiled)(act) === true;
    } catch {
      rule.errors++;
      this.errorTotal++;
    }
    rule.cache[k] = hit ? 1 : 2;
    return hit;
  }

  /**
   * Advances every sequence rule by this event (records layout: sequence-state.ts). Partials that
   * expired are dropped; a partial whose awaited step matches advances, or fires at the final
   * step (the oldest completed partial is reported, every completed one is consumed); a first
   * step starts a new partial. The records are rebuilt into `scratch` and replace `state.data`
   * only when something changed.
   */
  private advance(state: SequenceStateImpl, act: Activation, ctx: RuleContext, idx: number, matches: RuleMatch[] | undefined): RuleMatch[] | undefined {
    let out = matches;
    const data = state.data;
    const next = this.scratch;
    next.length = 0;
    next.push(this.slots);
    let changed = false;
    const ts = ctx.event.ts;
    const eventId = ctx.event.event_id;
    let r = 1;
    for (let slot = 0; slot < this.sequences.length; slot++) {
      const rule = this.sequences[slot] as SequenceRule;
      rule.cache.fill(0);
      const last = rule.steps.length - 1;
      const begin = next.length;
      let fired: string[] | undefined;
      if (data !== null) {
        for (; r < data.length; ) {
          const head = data[r] as number;
          if (recordSlot(head) !== slot) break;
          const step = recordStep(head);
          const end = r + REC_IDS + step;
          if (ts - (data[r + REC_START_TS] as number) > rule.withinMs || idx - (data[r + REC_START_IDX] as number) >= rule.withinEvents) {
            changed = true; // expired
          } else if (this.step(rule, step, act)) {
            changed = true;
            if (step === last) fired ??= data.slice(r + REC_IDS, end) as string[];
            else {
              next.push(head + 1);
              for (let k = r + 1; k < end; k++) next.push(data[k] as number | string);
              next.push(eventId);
            }
          } else for (let k = r; k < end; k++) next.push(data[k] as number | string);
          r = end;
        }
      }
      if (this.step(rule, 0, act)) {
        changed = true;
        // Partials still waiting for step 2 are dominated by the new start (same progress, later
        // window): drop them, so a burst of first steps holds one partial, not max_partials.
        let w = begin;
        let count = 0;
        for (let k = begin; k < next.length; ) {
          const len = REC_IDS + recordStep(next[k] as number);
          if (recordStep(next[k] as number) !== 1) {
            for (let j = 0; j < len; j++) next[w + j] = next[k + j] as number | string;
            w += len;
            count++;
          }
          k += len;
        }
        next.length = w;
        next.push(recordHead(slot, 1), idx, ts, eventId);
        count++;
        if (count > rule.maxPartials) {
          let drop = begin;
          for (let c = count - rule.maxPartials; c > 0; c--) drop += REC_IDS + recordStep(next[drop] as number);
          next.splice(begin, drop - begin);
        }
      }
      if (fired !== undefined && (rule.exceptions.length === 0 || !this.anyHolds(rule.exceptions, act))) {
        fired.push(eventId);
        (out ??= []).push(this.match(rule, ctx, fired));
      }
    }
    if (changed) state.data = next.length > 1 ? next.slice() : null;
    next.length = 0;
    return out;
  }

  private match(rule: CompiledRule, ctx: RuleContext, evidence: readonly string[]): RuleMatch {
    const i = rule.info;
    return {
      rule_id: i.id,
      rule_version: i.version,
      role: i.role,
      severity: i.severity,
      confidence: i.confidence,
      message: rule.template.render(ctx, i),
      evidence_event_ids: evidence,
      tags: rule.tags,
    };
  }
}

/** Parse, validate and compile a rule set from sources, in order. Throws RuleSetError listing every problem. */
export function parseRuleSet(sources: readonly PolicySource[]): RuleSet {
  const issues: RuleIssue[] = [];
  const items: LocatedItem[] = [];
  for (const s of sources) items.push(...readPolicySource(s, issues));
  const reg = buildRegistry(items, issues);
  const result = compile(reg, issues);
  if (issues.length > 0 || result === undefined) {
    const order = new Map(sources.map((s, i) => [s.name, i]));
    const key = (i: RuleIssue): number => (order.get(i.file) ?? -1) * 1e9 + (i.line ?? 0);
    throw new RuleSetError(issues.map((issue, i) => ({ issue, i })).sort((a, b) => key(a.issue) - key(b.issue) || a.i - b.i).map((x) => x.issue));
  }
  return result;
}

function compile(reg: PolicyRegistry, issues: RuleIssue[]): RuleSet | undefined {
  const lists = new Map<string, readonly string[]>();
  for (const [name, l] of reg.lists) lists.set(name, l.def.items);
  const env = createRuleEnvironment(lists);
  const expander = new MacroExpander(
    new Map([...reg.macros].map(([name, m]) => [name, { name, condition: m.def.condition }])),
    new Set(lists.keys()),
  );

  const brokenMacros = new Set<string>();
  for (const [name, m] of reg.macros) {
    const problem = checkCondition(env, () => expander.macro(name));
    if (problem !== undefined) {
      brokenMacros.add(name);
      issues.push({ file: m.file, line: m.line, item: `macro ${name}`, message: problem.message });
    }
  }

  const infos: RuleInfo[] = [];
  const conditions: ConditionRule[] = [];
  const sequences: SequenceRule[] = [];
  for (const [id, located] of reg.rules) {
    const def = located.def;
    const at = (message: string): void => {
      issues.push({ file: located.file, line: located.line, item: `rule ${id}`, message });
    };
    let template: MessageTemplate;
    try {
      template = MessageTemplate.compile(def.message);
    } catch (err) {
      at((err as Error).message);
      continue;
    }
    const texts = def.sequence === undefined ? [def.condition ?? ''] : def.sequence.steps.map((s) => (typeof s === 'string' ? s : s.condition));
    const fns: Compiled[] = [];
    texts.forEach((text, k) => {
      const label = def.sequence === undefined ? 'condition' : `sequence.steps[${k}]`;
      const broken = expander.references(text).filter((n) => brokenMacros.has(n));
      if (broken.length > 0) return at(`${label}: uses macro${broken.length > 1 ? 's' : ''} with errors: ${broken.join(', ')}`);
      const problem = checkCondition(env, () => expander.expand(text));
      if (problem !== undefined) return at(`${label}: ${problem.message}`);
      // Compiled to closures when the expression is in the compiler's subset; else interpreted.
      const parsed = env.parse(expander.expand(text));
      fns.push(compileCondition(parsed) ?? (parsed as ParseResult as Compiled));
    });
    if (fns.length !== texts.length) continue;
    const exceptions = compileExceptions(env, expander, brokenMacros, def.exceptions.map((e) => ({ e, file: located.file, line: located.line })), issues, `rule ${id}`);
    if (exceptions === undefined) continue;
    const info = ruleInfo(def, located.file, located.line, fns.length);
    infos.push(info);
    if (!def.enabled) continue;
    const base = { info, template, tags: Object.freeze([...def.tags]), exceptions, errors: 0 };
    if (def.sequence === undefined) conditions.push({ ...base, fn: fns[0] as Compiled });
    else {
      sequences.push({
        ...base,
        steps: fns,
        withinMs: def.sequence.within_ms ?? Number.POSITIVE_INFINITY,
        withinEvents: def.sequence.within_events ?? Number.POSITIVE_INFINITY,
        maxPartials: def.sequence.max_partials,
        cache: new Uint8Array(fns.length),
      });
    }
  }
  const tunings = new Map<string, CompiledTuning>();
  for (const r of DETECTOR_RULES) {
    const t = reg.tunings.get(r.id);
    const located = (t?.exceptions ?? []).map((x) => ({ e: x.def, file: x.file, line: x.line }));
    // The rule's user_* macro is an exception point operators redefine (see 00-lists-and-macros.yaml).
    const user = r.userMacro !== undefined && reg.macros.has(r.userMacro) ? [{ e: { condition: r.userMacro }, file: reg.macros.get(r.userMacro)!.file, line: reg.macros.get(r.userMacro)!.line }] : [];
    const all = [...user, ...located];
    if (t === undefined && all.length === 0) continue;
    const fns = compileExceptions(env, expander, brokenMacros, all, issues, `rule ${r.id}`);
    if (fns === undefined) continue;
    tunings.set(r.id, {
      enabled: t?.enabled ?? true,
      ...(t?.severity !== undefined ? { severity: t.severity } : {}),
      ...(t?.confidence !== undefined ? { confidence: t.confidence } : {}),
      hasExceptions: fns.length > 0,
      exceptionFns: fns,
    });
  }
  if (issues.length > 0) return undefined;
  return new CompiledRuleSet(policyHash(reg), Object.freeze(infos), conditions, sequences, tunings);
}

/** Compiles exception conditions; undefined (with issues recorded) when one does not compile. */
function compileExceptions(
  env: Environment,
  expander: MacroExpander,
  brokenMacros: ReadonlySet<string>,
  items: ReadonlyArray<{ e: { name?: string | undefined; condition: string }; file: string; line: number | undefined }>,
  issues: RuleIssue[],
  label: string,
): Compiled[] | undefined {
  const fns: Compiled[] = [];
  let ok = true;
  for (const { e, file, line } of items) {
    const where = `${label} exception${e.name !== undefined ? ` ${e.name}` : ''}`;
    const broken = expander.references(e.condition).filter((n) => brokenMacros.has(n));
    if (broken.length > 0) {
      issues.push({ file, line, item: where, message: `uses macro${broken.length > 1 ? 's' : ''} with errors: ${broken.join(', ')}` });
      ok = false;
      continue;
    }
    const problem = checkCondition(env, () => expander.expand(e.condition));
    if (problem !== undefined) {
      issues.push({ file, line, item: where, message: problem.message });
      ok = false;
      continue;
    }
    const parsed = env.parse(expander.expand(e.condition));
    fns.push(compileCondition(parsed) ?? (parsed as ParseResult as Compiled));
  }
  return ok ? fns : undefined;
}

/** Expand and type-check a condition; returns the problem, if any. */
function checkCondition(env: Environment, expand: () => string): { message: string } | undefined {
  let text: string;
  try {
    text = expand();
  } catch (err) {
    if (err instanceof MacroExpansionError) return { message: err.message };
    throw err;
  }
  try {
    const result = env.parse(text).check();
    if (!result.valid) return { message: `CEL: ${result.error?.message.split('\n')[0] ?? 'invalid expression'}` };
    if (result.type !== 'bool') return { message: `CEL: condition must be bool, is ${result.type ?? 'unknown'}` };
  } catch (err) {
    return { message: `CEL: ${(err as Error).message.split('\n')[0]}` };
  }
  return undefined;
}

function ruleInfo(def: RuleItem, file: string, line: number | undefined, steps: number): RuleInfo {
  return Object.freeze({
    id: def.rule,
    version: def.version,
    severity: def.severity,
    confidence: def.confidence,
    tags: Object.freeze([...def.tags]),
    description: def.description,
    enabled: def.enabled,
    maturity: def.maturity,
    kind: def.sequence === undefined ? 'condition' : 'sequence',
    role: def.role,
    steps,
    source: line === undefined ? file : `${file}:${line}`,
  });
}

/** Hash of the effective policy, independent of file names, comments and formatting. */
function policyHash(reg: PolicyRegistry): string {
  const canonical = JSON.stringify({
    lists: [...reg.lists].map(([n, l]) => [n, l.def.items]),
    macros: [...reg.macros].map(([n, m]) => [n, m.def.condition]),
    rules: [...reg.rules].map(([, r]) => {
      const { override: _override, ...rest } = r.def;
      return rest;
    }),
    tunings: [...reg.tunings].map(([id, t]) => [id, t.enabled, t.severity ?? null, t.confidence ?? null, t.exceptions.map((x) => x.def.condition)]),
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}
