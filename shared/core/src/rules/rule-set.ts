/**
 * A compiled, immutable rule set: every condition and sequence step is expanded, type-checked
 * and compiled once at load; evaluate() runs each compiled condition at most once per event.
 */
import { createHash } from 'node:crypto';
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import type { RuleContext, RuleMatch } from '../rule-context';
import { buildActivation, createRuleEnvironment, type Activation } from './cel-environment';
import { MacroExpander, MacroExpansionError } from './macro-expander';
import { MessageTemplate } from './message-template';
import { buildRegistry, type PolicyRegistry } from './policy-registry';
import { readPolicySource, type LocatedItem, type PolicySource } from './policy-source';
import type { RuleItem } from './rule-file-schema';
import { RuleSetError, type RuleIssue } from './rule-set-error';
import {
  restoreState,
  SequenceStateImpl,
  SequenceStateJson,
  type PartialMatch,
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
  /** Number of steps of a sequence rule (1 for a condition rule). */
  readonly steps: number;
  /** Source (file) and line of the effective definition. */
  readonly source: string;
}

export interface RuleSet {
  /** Content hash of the effective policy (lists, macros, rules after overrides). */
  readonly version: string;
  readonly rules: readonly RuleInfo[];
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
  errors: number;
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

  constructor(
    readonly version: string,
    readonly rules: readonly RuleInfo[],
    private readonly conditions: readonly ConditionRule[],
    private readonly sequences: readonly SequenceRule[],
  ) {
    this.slots = sequences.map((s) => ({ id: s.info.id, version: s.info.version, steps: s.steps.length, maxPartials: s.maxPartials }));
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
    return new SequenceStateImpl(this.slots, 0, this.slots.map(() => null));
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
      if (hit === true) (out ??= []).push(this.match(rule, ctx, [ctx.event.event_id]));
    }
    if (this.sequences.length > 0) {
      const state = this.adopt(seq);
      const idx = state.counter++;
      for (let i = 0; i < this.sequences.length; i++) {
        const m = this.advance(this.sequences[i] as SequenceRule, i, state, act, ctx, idx);
        if (m !== undefined) (out ??= []).push(m);
      }
    }
    return out ?? EMPTY;
  }

  /** A state made by another (older) rule set is remapped by rule id and version. */
  private adopt(seq: SequenceState): SequenceStateImpl {
    if (!(seq instanceof SequenceStateImpl)) throw new TypeError('evaluate: sequence state was not created by a RuleSet');
    if (seq.slots !== this.slots) {
      const fresh = restoreState(this.slots, seq.toJSON());
      seq.slots = fresh.slots;
      seq.partials = fresh.partials;
    }
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

  private advance(rule: SequenceRule, slot: number, state: SequenceStateImpl, act: Activation, ctx: RuleContext, idx: number): RuleMatch | undefined {
    rule.cache.fill(0);
    const ts = ctx.event.ts;
    const last = rule.steps.length - 1;
    const partials = state.partials[slot] ?? null;
    let fired: PartialMatch | undefined;
    if (partials !== null) {
      let w = 0;
      for (let r = 0; r < partials.length; r++) {
        const p = partials[r] as PartialMatch;
        if (ts - p.startTs > rule.withinMs || idx - p.startIdx >= rule.withinEvents) continue; // expired
        if (this.step(rule, p.step, act)) {
          if (p.step === last) {
            fired ??= p; // the oldest completed partial is reported; every completed one is consumed
            continue;
          }
          p.ids.push(ctx.event.event_id);
          p.step++;
        }
        partials[w++] = p;
      }
      partials.length = w;
    }
    if (this.step(rule, 0, act)) {
      const list = partials ?? (state.partials[slot] = []);
      // Partials still waiting for step 2 are dominated by the new start (same progress, later
      // window): drop them, so a burst of first steps holds one partial, not max_partials.
      let w = 0;
      for (let r = 0; r < list.length; r++) if ((list[r] as PartialMatch).step !== 1) list[w++] = list[r] as PartialMatch;
      list.length = w;
      list.push({ step: 1, startTs: ts, startIdx: idx, ids: [ctx.event.event_id] });
      if (list.length > rule.maxPartials) list.splice(0, list.length - rule.maxPartials);
    } else if (partials !== null && partials.length === 0) {
      state.partials[slot] = null;
    }
    if (fired === undefined) return undefined;
    return this.match(rule, ctx, [...fired.ids, ctx.event.event_id]);
  }

  private match(rule: CompiledRule, ctx: RuleContext, evidence: readonly string[]): RuleMatch {
    const i = rule.info;
    return {
      rule_id: i.id,
      rule_version: i.version,
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
      fns.push(env.parse(expander.expand(text)) as ParseResult as Compiled);
    });
    if (fns.length !== texts.length) continue;
    const info = ruleInfo(def, located.file, located.line, fns.length);
    infos.push(info);
    if (!def.enabled) continue;
    const base = { info, template, tags: Object.freeze([...def.tags]), errors: 0 };
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
  if (issues.length > 0) return undefined;
  return new CompiledRuleSet(policyHash(reg), Object.freeze(infos), conditions, sequences);
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
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}
