/**
 * The CEL compiler must be indistinguishable from cel-js's interpreter: same value, or both throw.
 * Checked on every condition of the shipped rule set (with and without the example overrides)
 * over thousands of seeded random activations, and on seeded random well-typed expressions that
 * reach the error paths (index out of range, division by zero, overflow, invalid regex, unset or
 * mistyped fields) that CEL's `&&` / `||` must absorb or propagate.
 */
import { DETECTOR_RULES } from '../src/registry/detector-rules';
import { join } from 'node:path';
import type { Environment } from '@marcbachmann/cel-js';
import { describe, expect, it, vi } from 'vitest';
import { loadDefaultPolicy } from '../src/engine/default-policy';
import type { RuleContext, RuleEventView, RuleSessionView } from '../src/rule-context';
import { buildActivation, createRuleEnvironment, type Activation } from '../src/rules/cel-environment';
import { compileCondition } from '../src/rules/cel-compiler';
import type * as CelCompiler from '../src/rules/cel-compiler';
import { readRuleSources, SHIPPED_RULES_DIR } from '../src/rules/load-rule-set';
import { MacroExpander } from '../src/rules/macro-expander';
import { buildRegistry } from '../src/rules/policy-registry';
import type { PolicySource } from '../src/rules/policy-source';
import { readPolicySource } from '../src/rules/policy-source';
import { EVENT_FIELDS, SESSION_FIELDS, type CelFieldType } from '../src/rules/rule-context-fields';
import type { RuleIssue } from '../src/rules/rule-set-error';
import { parseRuleSet } from '../src/rules/rule-set';
import { ruleEvent, ruleSession } from './rule-context-fixture';

// A pass-through spy, to see that the rule set compiles its conditions through the compiler.
vi.mock('../src/rules/cel-compiler', async (importOriginal) => {
  const mod = await importOriginal<typeof CelCompiler>();
  return { ...mod, compileCondition: vi.fn(mod.compileCondition) };
});

type Fn = (act: Activation) => unknown;

/** mulberry32: a small seeded generator (the core does not depend on the simulator package). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const subset = <T,>(r: Rand, xs: readonly T[]): T[] => (r() < 0.3 ? [] : xs.filter(() => r() < 0.4));

// ------------------------------------------------------------------ the shipped conditions

interface Condition {
  readonly label: string;
  readonly text: string;
  /** A rule's condition or step (a macro on its own may be constant). */
  readonly rule: boolean;
}

/** The effective policy as compile() in rule-set.ts sees it: environment and expanded conditions. */
function expandedPolicy(sources: readonly PolicySource[]): { env: Environment; conditions: Condition[] } {
  const issues: RuleIssue[] = [];
  const reg = buildRegistry(sources.flatMap((s) => readPolicySource(s, issues)), issues);
  expect(issues).toEqual([]);
  const lists = new Map<string, readonly string[]>([...reg.lists].map(([name, l]) => [name, l.def.items]));
  const env = createRuleEnvironment(lists);
  const expander = new MacroExpander(new Map([...reg.macros].map(([name, m]) => [name, { name, condition: m.def.condition }])), new Set(lists.keys()));
  const conditions: Condition[] = [...reg.macros.keys()].map((name) => ({ label: `macro ${name}`, text: expander.macro(name), rule: false }));
  for (const [id, { def }] of reg.rules) {
    const texts = def.sequence === undefined ? [def.condition ?? ''] : def.sequence.steps.map((s) => (typeof s === 'string' ? s : s.condition));
    texts.forEach((t, k) => conditions.push({ label: `${id}[${k}]`, text: expander.expand(t), rule: true }));
  }
  return { env, conditions };
}

const SHIPPED = readRuleSources([SHIPPED_RULES_DIR]);
const WITH_EXAMPLE = readRuleSources([SHIPPED_RULES_DIR, join(SHIPPED_RULES_DIR, 'user-overrides.example.yaml')]);

// ------------------------------------------------------------------ random activations

const TOOLS = ['read_file', 'send_email', 'wire_transfer', 'Payout_batch', 'run_shell', 'deploy_release', 'search_files', '', 'REFUND_order', 'disburse_funds'];
const STRINGS: Readonly<Record<string, readonly string[]>> = {
  kind: ['tool_call', 'data_access', 'delegation', 'auth', 'message'],
  operation: ['read', 'write', 'delete', 'send', 'execute', 'delegate'],
  data_class: ['public', 'internal', 'confidential', 'restricted', 'secret'],
  destination_provenance: ['intent', 'tool_output', 'unseen', 'internal', 'none'],
  destination_source: ['task', 'own', 'directory', 'system', 'third_party', 'agent', 'web', 'unseen', 'internal', 'none'],
  output_trust: ['system', 'own', 'directory', 'third_party', 'agent', 'web'],
  outcome: ['allowed', 'denied', 'error'],
  tool: TOOLS,
  last_tool: TOOLS,
  destination: ['', 'partner.example.com', 'api.partner.example.com', 'notpartner.example.com', 'bob@Billing-Provider.example.net', 'evil.test', 'x@evil.test', 'partner.example.com.evil.test'],
  agent_type: ['assistant', 'orchestrator', 'incident-responder', 'inbox-triager', ''],
};
const OTHER_STRINGS = ['', 'a', 'agent-a', 'user-1', 'x'];
const SCOPES = ['files:read', 'mail:send', 'admin:write', 'x:w', 'payments:write'];
const LISTS: Readonly<Record<string, readonly string[]>> = {
  required_scopes: SCOPES,
  task_scopes: SCOPES,
  scopes_missing: SCOPES,
  arg_emails: ['a@partner.example.com', 'b@evil.test'],
  arg_urls: ['https://evil.test/x', 'https://partner.example.com'],
  arg_domains: ['evil.test', 'partner.example.com', 'a.partner.example.com'],
  arg_ibans: ['DE89370400440532013000', 'GB82WEST12345698765432'],
  recent_tools: TOOLS,
  active_rules: ['CW-SCOPE-001', 'CW-CHAIN-001'],
};
const INT_RANGE: Readonly<Record<string, number>> = { data_class_rank: 5, max_data_class_rank: 5, delegation_depth: 8, principals: 4 };

function randomValue(r: Rand, field: string, type: CelFieldType): unknown {
  switch (type) {
    case 'string':
      return pick(r, STRINGS[field] ?? OTHER_STRINGS);
    case 'int':
      return field === 'ts' ? 1_760_000_000_000 + Math.floor(r() * 1e6) : Math.floor(r() * (INT_RANGE[field] ?? 6));
    case 'double':
      return pick(r, [0, 0.2, 0.49, 0.5, 0.69, 0.7, 0.71, 1]);
    case 'bool':
      return r() < 0.5;
    case 'list<string>': {
      const items = subset(r, LISTS[field] ?? OTHER_STRINGS);
      // A Set is a list to cel-js too (and some helpers throw on it: both sides must agree).
      return r() < 0.05 ? new Set(items) : items;
    }
  }
}

/** A field the engine did not fill, or filled with a value of the wrong type (an evaluation error). */
function corrupt(r: Rand, type: CelFieldType): unknown {
  const wrong: Record<CelFieldType, readonly unknown[]> = {
    string: [7, true],
    int: [1.5, 'seven'],
    double: ['0.5', 1n],
    bool: ['yes', 0],
    'list<string>': [['files:read', 7], 'seven'], // an item of the wrong type fails only where it is used
  };
  return pick(r, [undefined, null, ...wrong[type]]);
}

function randomContext(r: Rand): RuleContext {
  const fill = (table: Readonly<Record<string, CelFieldType>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [field, type] of Object.entries(table)) out[field] = randomValue(r, field, type);
    if (r() < 0.1) {
      const [field, type] = pick(r, Object.entries(table));
      out[field] = corrupt(r, type);
    }
    return out;
  };
  return {
    event: ruleEvent(fill(EVENT_FIELDS) as Partial<RuleEventView>),
    session: ruleSession(fill(SESSION_FIELDS) as Partial<RuleSessionView>),
  };
}

const r0 = rng(20240611);
const ACTIVATIONS: readonly Activation[] = Array.from({ length: 4000 }, () => buildActivation(randomContext(r0)));

// ------------------------------------------------------------------ comparing the two

type Outcome = { readonly value: unknown } | { readonly threw: true };
function outcome(fn: Fn, act: Activation): Outcome {
  try {
    return { value: fn(act) };
  } catch {
    return { threw: true };
  }
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return false;
}
const sameOutcome = (a: Outcome, b: Outcome): boolean => ('threw' in a ? 'threw' in b : !('threw' in b) && same(a.value, b.value));

interface Tally {
  trues: number;
  falses: number;
  errors: number;
  mismatches: string[];
}

/** Compiled against a fresh, untouched interpreter parse of the same text, on every activation. */
function differential(env: Environment, text: string, acts: readonly Activation[]): Tally {
  const compiled = compileCondition(env.parse(text));
  expect(compiled, `not compiled: ${text}`).toBeDefined();
  const interpreted = env.parse(text) as unknown as Fn;
  const t: Tally = { trues: 0, falses: 0, errors: 0, mismatches: [] };
  for (let i = 0; i < acts.length; i++) {
    const act = acts[i] as Activation;
    const want = outcome(interpreted, act);
    const got = outcome(compiled as Fn, act);
    if ('threw' in want) t.errors++;
    else if (want.value === true) t.trues++;
    else if (want.value === false) t.falses++;
    if (!sameOutcome(want, got) && t.mismatches.length < 3) t.mismatches.push(`activation ${i}: interpreter ${show(want)}, compiled ${show(got)}`);
  }
  return t;
}
const show = (o: Outcome): string => ('threw' in o ? 'threw' : String(o.value));

describe('cel compiler: the shipped rules', () => {
  for (const [name, sources] of [
    ['shipped', SHIPPED],
    ['shipped + user-overrides.example', WITH_EXAMPLE],
  ] as const) {
    it(`compiles every condition and step of the ${name} policy and matches the interpreter on ${ACTIVATIONS.length} activations`, () => {
      const { env, conditions } = expandedPolicy(sources);
      let errors = 0;
      for (const c of conditions) {
        const t = differential(env, c.text, ACTIVATIONS);
        expect(t.mismatches, `${c.label}: ${c.text}`).toEqual([]);
        errors += t.errors;
        // The activations reach both outcomes of every rule condition, so the comparison means something.
        if (c.rule) expect([t.trues > 0, t.falses > 0], `${c.label} outcomes`).toEqual([true, true]);
      }
      expect(errors).toBeGreaterThan(0); // unset / mistyped fields were exercised
    });
  }

  it('is what the loaded rule set evaluates: every shipped condition compiles', () => {
    const spy = vi.mocked(compileCondition);
    spy.mockClear();
    const { rules } = loadDefaultPolicy();
    const steps = rules.rules.reduce((n, r) => n + r.steps, 0);
    // and one exception condition per detector rule that names a user_* macro (all shipped)
    const exceptions = DETECTOR_RULES.filter((r) => r.userMacro !== undefined).length;
    expect(spy).toHaveBeenCalledTimes(steps + exceptions);
    expect(spy.mock.results.every((res) => res.type === 'return' && typeof res.value === 'function')).toBe(true);
  });
});

// ------------------------------------------------------------------ generated expressions

type T = 'bool' | 'int' | 'double' | 'string' | 'list<string>' | 'list<int>';

const FIELDS_BY_TYPE = (t: CelFieldType): string[] => [
  ...Object.entries(EVENT_FIELDS).filter(([, ft]) => ft === t).map(([f]) => `event.${f}`),
  ...Object.entries(SESSION_FIELDS).filter(([, ft]) => ft === t).map(([f]) => `session.${f}`),
];
const BOOL_FIELDS = FIELDS_BY_TYPE('bool');
const INT_FIELDS = FIELDS_BY_TYPE('int');
const STRING_FIELDS = FIELDS_BY_TYPE('string');
const LIST_FIELDS = FIELDS_BY_TYPE('list<string>');
const ALL_FIELDS = [...BOOL_FIELDS, ...INT_FIELDS, ...STRING_FIELDS, ...LIST_FIELDS, 'event.injection_score'];
const STRING_LITERALS = ["'read'", "'partner.example.com'", "''", "'PAY'", "'evil.test'", "'files:read'", "'send_email'", "'a'"];
const PATTERNS = ["'^a'", "'example\\\\.com$'", "'('", "'[a-z]+'", "'pay|wire'"]; // '(' is invalid: an error at run time

/**
 * Random well-typed CEL over the fields, operators and functions of the compiler's subset.
 * `vars` are comprehension variables (strings) in scope.
 */
class ExpressionGenerator {
  private depthVar = 0;
  constructor(
    private readonly r: Rand,
    private readonly lists: readonly string[],
  ) {}

  expr(t: T, depth: number, vars: readonly string[] = []): string {
    const leaf = depth <= 0 || this.r() < 0.2;
    switch (t) {
      case 'bool':
        return leaf ? this.boolLeaf() : this.bool(depth - 1, vars);
      case 'int':
        return leaf ? this.intLeaf() : this.int(depth - 1, vars);
      case 'double':
        return leaf ? pick(this.r, ['0.5', '0.7', '1.0', '0.0', '(0.0 / 0.0)', 'event.injection_score']) : this.double(depth - 1, vars);
      case 'string':
        return leaf ? this.stringLeaf(vars) : this.string(depth - 1, vars);
      case 'list<string>':
        return leaf ? this.listLeaf() : this.list(depth - 1, vars);
      case 'list<int>':
        return `[${this.expr('int', depth - 1, vars)}, 1, 2]`;
    }
  }

  private boolLeaf(): string {
    return pick(this.r, [() => pick(this.r, ['true', 'false']), () => pick(this.r, BOOL_FIELDS), () => `has(${pick(this.r, ALL_FIELDS)})`])();
  }

  private intLeaf(): string {
    return pick(this.r, [() => pick(this.r, ['0', '1', '2', '4', '-3', '9223372036854775807']), () => pick(this.r, INT_FIELDS), () => `size(${this.listLeaf()})`])();
  }

  private stringLeaf(vars: readonly string[]): string {
    if (vars.length > 0 && this.r() < 0.5) return pick(this.r, vars);
    return this.r() < 0.5 ? pick(this.r, STRING_LITERALS) : pick(this.r, STRING_FIELDS);
  }

  private listLeaf(): string {
    if (this.r() < 0.25 && this.lists.length > 0) return `lists.${pick(this.r, this.lists)}`;
    return pick(this.r, LIST_FIELDS);
  }

  private bool(d: number, vars: readonly string[]): string {
    const e = (t: T): string => this.expr(t, d, vars);
    const cmp = pick(this.r, ['==', '!=', '<', '<=', '>', '>=']);
    const rel = pick(this.r, ['<', '<=', '>', '>=']);
    const eq = pick(this.r, ['==', '!=']);
    const options: (() => string)[] = [
      () => `!(${e('bool')})`,
      () => `(${e('bool')} && ${e('bool')})`,
      () => `(${e('bool')} || ${e('bool')})`,
      () => `(${e('bool')} && ${e('bool')} && ${e('bool')})`,
      () => `(${e('bool')} || ${e('bool')} || ${e('bool')})`,
      () => `(${e('bool')} ? ${e('bool')} : ${e('bool')})`,
      () => `(${e('int')} ${cmp} ${e('int')})`,
      () => `(${e('int')} ${rel} ${e('double')})`,
      () => `(${e('double')} ${cmp} ${e('double')})`,
      () => `(${e('string')} ${cmp} ${e('string')})`,
      () => `(${e('bool')} ${eq} ${e('bool')})`,
      () => `(${e('string')} in ${e('list<string>')})`,
      () => `(${e('string')} in [])`,
      () => `(${e('int')} in ${e('list<int>')})`,
      () => `(${e('double')} in [${e('double')}, 0.5])`,
      () => `(${e('double')} in [0.5, 0.7])`,
      () => `(size(${e('list<string>')}) > ${e('int')})`,
      () => `intersects(${e('list<string>')}, ${e('list<string>')})`,
      () => `matches_domain(${e('string')}, ${e('list<string>')})`,
      () => `contains_any(${e('string')}, ${e('list<string>')})`,
      () => `${e('string')}.${pick(this.r, ['startsWith', 'endsWith', 'contains'])}(${e('string')})`,
      () => `${e('string')}.matches(${pick(this.r, PATTERNS)})`,
      () => {
        const v = `x${this.depthVar++}`;
        return `${e('list<string>')}.${pick(this.r, ['exists', 'all'])}(${v}, ${this.expr('bool', d, [...vars, v])})`;
      },
    ];
    return pick(this.r, options)();
  }

  private int(d: number, vars: readonly string[]): string {
    const e = (t: T): string => this.expr(t, d, vars);
    return pick(this.r, [
      () => `(${e('int')} ${pick(this.r, ['+', '-', '*', '/', '%'])} ${e('int')})`,
      () => `-(${e('int')})`,
      () => `(${e('bool')} ? ${e('int')} : ${e('int')})`,
      () => `${e('list<int>')}[${e('int')}]`,
      () => `size(${e('string')})`,
      () => `${e('list<string>')}.size()`,
    ])();
  }

  private double(d: number, vars: readonly string[]): string {
    const e = (t: T): string => this.expr(t, d, vars);
    return pick(this.r, [() => `(${e('double')} ${pick(this.r, ['+', '-', '*', '/'])} ${e('double')})`, () => `(${e('bool')} ? ${e('double')} : ${e('double')})`])();
  }

  private string(d: number, vars: readonly string[]): string {
    const e = (t: T): string => this.expr(t, d, vars);
    return pick(this.r, [
      () => `${e('string')}.${pick(this.r, ['lowerAscii', 'upperAscii', 'trim'])}()`,
      () => `(${e('string')} + ${e('string')})`,
      () => `${e('list<string>')}[${e('int')}]`,
      () => `(${e('bool')} ? ${e('string')} : ${e('string')})`,
    ])();
  }

  private list(d: number, vars: readonly string[]): string {
    const e = (t: T): string => this.expr(t, d, vars);
    return pick(this.r, [() => `[${e('string')}, ${e('string')}]`, () => `(${e('bool')} ? ${e('list<string>')} : ${e('list<string>')})`, () => this.listLeaf()])();
  }
}

describe('cel compiler: generated expressions', () => {
  it('matches the interpreter on random well-typed expressions, errors and their absorption by && / || included', () => {
    const { env } = expandedPolicy(WITH_EXAMPLE);
    const lists = ['payment_tool_words', 'user_trusted_domains', 'user_exec_allowed_tools', 'user_multi_principal_agent_types'];
    const gen = new ExpressionGenerator(rng(7), lists);
    const acts = ACTIVATIONS.slice(0, 200);
    const total: Tally = { trues: 0, falses: 0, errors: 0, mismatches: [] };
    let absorbed = 0;
    for (let i = 0; i < 1500; i++) {
      const text = gen.expr(pick(rng(i), ['bool', 'bool', 'bool', 'int', 'string', 'double', 'list<string>'] as const), 4);
      const checked = env.parse(text).check();
      expect(checked.valid, `${text}: ${checked.error?.message ?? ''}`).toBe(true);
      const t = differential(env, text, acts);
      expect(t.mismatches, text).toEqual([]);
      total.trues += t.trues;
      total.falses += t.falses;
      total.errors += t.errors;
      // An && / || with a value although one of its operands throws on this activation set.
      if (t.errors < acts.length && /&&|\|\|/.test(text) && /\[|\/|%|matches|\*/.test(text)) absorbed++;
    }
    expect(total.trues).toBeGreaterThan(1000);
    expect(total.falses).toBeGreaterThan(1000);
    expect(total.errors).toBeGreaterThan(1000);
    expect(absorbed).toBeGreaterThan(20);
  });

  it('absorbs an error in && / || exactly where CEL does', () => {
    const { env } = expandedPolicy(SHIPPED);
    const act = buildActivation({ event: ruleEvent({ arg_urls: [] }), session: ruleSession() });
    const cases: [string, Outcome][] = [
      ["event.arg_urls[0] == 'x' && false", { value: false }],
      ["false && event.arg_urls[0] == 'x'", { value: false }],
      ["event.arg_urls[0] == 'x' || true", { value: true }],
      ["true || event.arg_urls[0] == 'x'", { value: true }],
      ["event.arg_urls[0] == 'x' && true", { threw: true }],
      ["event.arg_urls[0] == 'x' || false", { threw: true }],
      ["event.tool == 'other' && (1 / 0 == 1 || event.egress)", { value: false }],
      ["event.tool == 'noop' && (1 / 0 == 1 || event.egress)", { threw: true }],
      ["event.tool == 'noop' && (1 / 0 == 1 || !event.egress)", { value: true }],
      ["[event.tool, 'a'].exists(t, t.matches('(') || t == 'a')", { value: true }],
      ["[event.tool, 'a'].all(t, t.matches('(') && t == 'a')", { value: false }],
      ["['a', 'b'].all(t, t.matches('('))", { threw: true }],
      ['(0.0 / 0.0) in [0.0 / 0.0]', { value: false }], // NaN: cel-js compares with ===
    ];
    for (const [text, want] of cases) {
      const compiled = compileCondition(env.parse(text));
      expect(compiled, text).toBeDefined();
      expect([outcome(compiled as Fn, act), outcome(env.parse(text) as unknown as Fn, act)], text).toEqual([want, want]);
    }
  });
});

describe('cel compiler: run-time type checks', () => {
  it('checks fields, list items and comprehension variables where cel-js does', () => {
    const { env } = expandedPolicy(SHIPPED);
    const event = { ...ruleEvent(), arg_urls: ['a', 7], tool: undefined, ts: 1.5 } as unknown as RuleEventView;
    const act = buildActivation({ event, session: ruleSession() });
    const cases: [string, Outcome][] = [
      ["event.arg_urls.exists(u, u == 'a')", { value: true }], // decided before the bad item
      ["event.arg_urls.exists(u, u == 'b')", { threw: true }],
      ["event.arg_urls.all(u, u == 'b')", { value: false }],
      ["event.arg_urls[0] == 'a'", { value: true }],
      ["event.arg_urls[1] == 'a'", { threw: true }],
      ["'a' in event.arg_urls", { value: true }],
      ["'x' in event.arg_urls", { value: false }],
      ['size(event.arg_urls) == 2', { value: true }],
      ['has(event.tool)', { value: false }],
      ["event.tool == ''", { threw: true }],
      ['has(event.ts)', { threw: true }],
      ['event.ts > 0', { threw: true }],
      ['has(event.kind)', { value: true }],
    ];
    for (const [text, want] of cases) {
      const compiled = compileCondition(env.parse(text));
      expect(compiled, text).toBeDefined();
      expect([outcome(compiled as Fn, act), outcome(env.parse(text) as unknown as Fn, act)], text).toEqual([want, want]);
    }
  });
});

describe('cel compiler: fallback to the interpreter', () => {
  const OUTSIDE = [
    "event.arg_urls.exists_one(u, u.startsWith('https://evil'))",
    "event.arg_urls.map(u, u + '/').size() > 1",
    "dyn(event.tool) == 'send_email'",
    "cel.bind(t, event.tool, t == 'send_email')",
    "{'send_email': true}[event.tool]",
    'event.delegation_depth < 2u',
  ];

  it('returns undefined for expressions outside the subset', () => {
    const { env } = expandedPolicy(SHIPPED);
    for (const text of OUTSIDE) {
      expect(env.parse(text).check().valid, text).toBe(true);
      expect(compileCondition(env.parse(text)), text).toBeUndefined();
    }
  });

  it('a rule set still evaluates such a condition, through the interpreter', () => {
    const rule = (id: string, condition: string): string =>
      `- rule: ${id}\n  version: 1\n  severity: high\n  tags: [ASI02]\n  description: t\n  message: m\n  condition: ${JSON.stringify(condition)}\n`;
    const spy = vi.mocked(compileCondition);
    spy.mockClear();
    const rs = parseRuleSet([{ name: 'f.yaml', text: rule('T-ONE', OUTSIDE[0] as string) + rule('T-DYN', OUTSIDE[2] as string) }]);
    expect(spy.mock.results.map((res) => res.value)).toEqual([undefined, undefined]);
    const fired = (event: Partial<RuleEventView>): string[] =>
      rs.evaluate({ event: ruleEvent(event), session: ruleSession() }, rs.newSequenceState()).map((m) => m.rule_id);
    expect(fired({ arg_urls: ['https://evil.test/a'] })).toEqual(['T-ONE']);
    expect(fired({ arg_urls: ['https://evil.test/a', 'https://evil.test/b'] })).toEqual([]);
    expect(fired({ tool: 'send_email' })).toEqual(['T-DYN']);
    expect(rs.evaluationErrors).toBe(0);
  });
});

describe('cel environment: the activation', () => {
  it('copies every field of the tables, in their order, integers as BigInt', () => {
    const event = ruleEvent({ ts: 1_760_000_000_123, data_class_rank: 3, delegation_depth: 2, injection_score: 0.5 });
    const session = ruleSession();
    const act = buildActivation({ event, session });
    expect(Object.keys(act.event)).toEqual(Object.keys(EVENT_FIELDS));
    expect(Object.keys(act.session)).toEqual(Object.keys(SESSION_FIELDS));
    for (const [table, view, copy] of [
      [EVENT_FIELDS, event, act.event],
      [SESSION_FIELDS, session, act.session],
    ] as const) {
      for (const [k, type] of Object.entries(table)) {
        const v = (view as unknown as Record<string, unknown>)[k];
        const got = (copy as unknown as Record<string, unknown>)[k];
        expect(got, k).toEqual(type === 'int' ? BigInt(v as number) : v);
      }
    }
  });
});
