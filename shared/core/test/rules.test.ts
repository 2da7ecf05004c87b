import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleContext, RuleEventView, RuleSessionView } from '../src/rule-context';
import { ruleEvent, ruleSession } from './rule-context-fixture';
import { loadRuleSet, parseRuleSet, RuleSetError, type RuleIssue, type RuleSet } from '../src/rules/index';

const EVENT = ruleEvent({ event_id: 'e-1', tool: 'read_file', resource: 'doc-1', task_scopes: ['files:read'] });
const SESSION = ruleSession();
const ctx = (event: Partial<RuleEventView> = {}, session: Partial<RuleSessionView> = {}): RuleContext => ({
  event: { ...EVENT, ...event },
  session: { ...SESSION, ...session },
});

const RULE = (id: string, condition: string, extra = ''): string => `
- rule: ${id}
  version: 1
  severity: high
  tags: [ASI02]
  description: test rule
  message: "{event.tool} hit"
  condition: ${JSON.stringify(condition)}
${extra}`;

const set = (...texts: string[]): RuleSet => parseRuleSet(texts.map((text, i) => ({ name: `f${i}.yaml`, text })));
const fired = (rs: RuleSet, c: RuleContext): string[] => rs.evaluate(c, rs.newSequenceState()).map((m) => m.rule_id);
const issuesOf = (fn: () => unknown): readonly RuleIssue[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleSetError) return err.issues;
    throw err;
  }
  throw new Error('expected a RuleSetError');
};

describe('condition rules', () => {
  it('evaluates int fields against int and double literals', () => {
    const rs = set(RULE('R1', 'event.data_class_rank >= 2'), RULE('R2', 'event.injection_score > 0.5 && session.events >= 1'));
    expect(fired(rs, ctx({ data_class_rank: 3 }))).toEqual(['R1']);
    expect(fired(rs, ctx({ data_class_rank: 1 }))).toEqual([]);
    expect(fired(rs, ctx({ injection_score: 0.9 }, { events: 2 }))).toEqual(['R2']);
    expect(fired(rs, ctx({ injection_score: 1 }, { events: 0 }))).toEqual([]);
  });

  it('returns a match with version, severity, default confidence, tags and the event id', () => {
    const rs = set(RULE('R1', "event.tool == 'read_file'"));
    const [m] = rs.evaluate(ctx(), rs.newSequenceState());
    expect(m).toEqual({
      rule_id: 'R1',
      rule_version: 1,
      role: 'evidence',
      severity: 'high',
      confidence: 0.8,
      message: 'read_file hit',
      evidence_event_ids: ['e-1'],
      tags: ['ASI02'],
    });
  });

  it('skips disabled rules but still validates them', () => {
    const rs = set(RULE('R1', 'true', '  enabled: false'));
    expect(fired(rs, ctx())).toEqual([]);
    expect(rs.rules.map((r) => [r.id, r.enabled])).toEqual([['R1', false]]);
    expect(issuesOf(() => set(RULE('R1', 'event.nope', '  enabled: false')))[0]?.message).toMatch(/nope/);
  });

  it('counts evaluation errors as no match and never throws', () => {
    const rs = set(RULE('R1', 'event.data_class_rank >= 2'), RULE('R2', 'true'));
    const broken = { ...ctx(), event: { ...EVENT, data_class_rank: undefined as unknown as number } };
    expect(fired(rs, broken)).toEqual(['R2']);
    expect(rs.evaluationErrors).toBe(1);
    expect(rs.evaluationErrorsByRule().get('R1')).toBe(1);
  });

  it('has a content-hash version that ignores formatting and changes with content', () => {
    const a = set(RULE('R1', 'true'));
    const b = set(`# comment\n${RULE('R1', 'true')}`);
    const c = set(RULE('R1', 'false'));
    expect(a.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b.version).toBe(a.version);
    expect(c.version).not.toBe(a.version);
  });
});

describe('lists and macros', () => {
  const base = `
- list: exfil_tools
  items: [send_email, post_webhook]
- macro: is_exfil_tool
  condition: event.tool in exfil_tools
- macro: sensitive
  condition: event.data_class_rank >= 2
- macro: risky
  condition: is_exfil_tool && session.tainted
`;
  it('expands list names, macros and nested macros', () => {
    const rs = set(base, RULE('R1', 'risky'), RULE('R2', "sensitive && lists.exfil_tools.exists(t, t == 'send_email')"));
    expect(fired(rs, ctx({ tool: 'send_email' }, { tainted: true }))).toEqual(['R1']);
    expect(fired(rs, ctx({ tool: 'send_email' }, { tainted: false }))).toEqual([]);
    expect(fired(rs, ctx({ tool: 'read_file' }, { tainted: true }))).toEqual([]);
    expect(fired(rs, ctx({ data_class_rank: 2 }))).toEqual(['R2']);
  });

  it('replaces whole identifiers only: not field names, strings, or longer words', () => {
    const tool = `
- macro: tool
  condition: "false"
`;
    const rs = set(base, tool, RULE('R1', "event.tool == 'sensitive' && sensitive && tool == false"));
    expect(fired(rs, ctx({ tool: 'sensitive', data_class_rank: 2 }))).toEqual(['R1']);
    expect(fired(rs, ctx({ tool: 'sensitive', data_class_rank: 1 }))).toEqual([]);
    const hex = set(`- macro: xff\n  condition: "true"\n`, RULE('R2', "0xFF == 255 && 1e2 > 1.0 && xff && 'xff // sensitive' != '' // sensitive"));
    expect(fired(hex, ctx())).toEqual(['R2']);
    const issues = issuesOf(() => set(base, RULE('R1', 'sensitive_x')));
    expect(issues).toEqual([{ file: 'f1.yaml', line: 2, item: 'rule R1', message: 'condition: CEL: Unknown variable: sensitive_x' }]);
  });

  it('detects macro cycles and reports the path with file and macro', () => {
    const issues = issuesOf(() =>
      set(`
- macro: a_m
  condition: b_m || event.egress
- macro: b_m
  condition: a_m
`),
    );
    expect(issues.some((i) => i.file === 'f0.yaml' && i.item === 'macro a_m' && /macro cycle: a_m -> b_m -> a_m/.test(i.message))).toBe(true);
  });

  it('supports the helper functions', () => {
    const rs = set(
      `
- list: trusted
  items: [example.com]
- list: verbs
  items: [Transfer]
`,
      RULE('R1', 'matches_domain(event.destination, trusted)'),
      RULE('R2', 'contains_any(event.tool, verbs)'),
      RULE('R3', 'intersects(event.required_scopes, event.task_scopes)'),
    );
    expect(fired(rs, ctx({ destination: 'bob@mail.example.com' }))).toEqual(['R1']);
    expect(fired(rs, ctx({ destination: 'evil-example.com' }))).toEqual([]);
    expect(fired(rs, ctx({ tool: 'wire_transfer_money' }))).toEqual(['R2']);
    expect(fired(rs, ctx({ required_scopes: ['files:read'] }))).toEqual(['R3']);
  });
});

describe('user_* overrides', () => {
  const shipped = `
- list: user_trusted
  items: [a.example]
- macro: user_exception
  condition: "false"
- macro: core_send
  condition: event.egress
${RULE('R1', 'core_send && !user_exception && !(event.destination in user_trusted)')}`;

  it('uses the shipped defaults when nothing overrides them', () => {
    const rs = set(shipped);
    expect(fired(rs, ctx({ egress: true, destination: 'b.example' }))).toEqual(['R1']);
    expect(fired(rs, ctx({ egress: true, destination: 'a.example' }))).toEqual([]);
  });

  it('lets a later file replace user_* macros and lists, and append to lists', () => {
    const operator = `
- macro: user_exception
  condition: event.agent_type == 'backup'
- list: user_trusted
  items: [c.example]
- list: user_trusted
  append: true
  items: [d.example]
`;
    const rs = set(shipped, operator);
    expect(fired(rs, ctx({ egress: true, agent_type: 'backup', destination: 'x' }))).toEqual([]);
    expect(fired(rs, ctx({ egress: true, destination: 'a.example' }))).toEqual(['R1']); // replaced, not merged
    expect(fired(rs, ctx({ egress: true, destination: 'c.example' }))).toEqual([]);
    expect(fired(rs, ctx({ egress: true, destination: 'd.example' }))).toEqual([]);
    expect(fired(rs, ctx({ egress: true, destination: 'e.example' }))).toEqual(['R1']);
  });

  it('rejects redefining a non-user macro or list without override, citing both places', () => {
    const issues = issuesOf(() =>
      set(
        shipped,
        `
- macro: core_send
  condition: "false"
- list: plain
  items: [x]
- list: plain
  items: [y]
`,
      ),
    );
    expect(issues).toEqual([
      { file: 'f1.yaml', line: 2, item: 'macro core_send', message: 'macro already defined at f0.yaml:6; only user_* macros may be redefined (or set override: true)' },
      {
        file: 'f1.yaml',
        line: 6,
        item: 'list plain',
        message: 'list already defined at f1.yaml:4; only user_* lists may be redefined (or set override: true, or append: true)',
      },
    ]);
  });

  it('allows override: true on non-user macros and rules, and toggles rules', () => {
    const rs = set(
      shipped,
      RULE('R2', 'true'),
      `
- macro: core_send
  override: true
  condition: event.egress && event.destination_external
- rule: R2
  enabled: false
${RULE('R1', 'false', '  override: true').replace('version: 1', 'version: 2')}`,
    );
    expect(fired(rs, ctx({ egress: true, destination: 'x' }))).toEqual([]);
    expect(rs.rules.map((r) => [r.id, r.version, r.enabled])).toEqual([
      ['R1', 2, true],
      ['R2', 1, false],
    ]);
  });

  it('rejects duplicate rule ids, appends to undefined lists, overrides of nothing', () => {
    const issues = issuesOf(() =>
      set(
        RULE('R1', 'true'),
        RULE('R1', 'false'),
        `
- list: nothing_here
  append: true
  items: [x]
- macro: not_defined
  override: true
  condition: "true"
- rule: R9
  enabled: false
`,
      ),
    );
    expect(issues.map((i) => `${i.file} ${i.item}: ${i.message}`)).toEqual([
      'f1.yaml rule R1: duplicate rule id (first defined at f0.yaml:2); set override: true to replace it',
      'f2.yaml list nothing_here: append: true but no list with this name is defined earlier',
      'f2.yaml macro not_defined: override: true but no macro with this name is defined earlier',
      'f2.yaml rule R9: no rule with this id is defined earlier or raised by a detector',
    ]);
  });
});

describe('load errors cite file, line and item', () => {
  it('reports YAML syntax errors with a line', () => {
    const issues = issuesOf(() => set('- rule: R1\n  version: [1\n'));
    expect(issues[0]?.file).toBe('f0.yaml');
    expect(issues[0]?.line).toBeGreaterThan(0);
    expect(issues[0]?.message).toMatch(/^YAML: /);
  });

  it('requires a sequence of items with one discriminating key', () => {
    expect(issuesOf(() => set('rule: R1\n'))[0]?.message).toMatch(/YAML sequence of items/);
    expect(issuesOf(() => set('- foo: 1\n'))[0]).toMatchObject({ item: 'item #1', message: expect.stringMatching(/exactly one of the keys/) });
  });

  it('validates every field with zod and names the rule', () => {
    const bad = `
- rule: R1
  version: 0
  severity: severe
  confidence: 1.5
  tags: [exfil]
  description: x
  message: m
  condition: "true"
  colour: red
`;
    const msgs = issuesOf(() => set(bad)).map((i) => `${i.file}:${i.line} ${i.item}: ${i.message}`);
    expect(msgs.every((m) => m.startsWith('f0.yaml:2 rule R1: '))).toBe(true);
    const text = msgs.join('\n');
    expect(text).toMatch(/version: /);
    expect(text).toMatch(/severity: /);
    expect(text).toMatch(/confidence: /);
    expect(text).toMatch(/tags: tags must include an OWASP Top 10 for Agentic Applications id/);
    expect(text).toMatch(/colour/);
  });

  it('requires exactly one of condition or sequence, and valid sequences', () => {
    const head = `- rule: R1\n  version: 1\n  severity: low\n  tags: [ASI01]\n  description: d\n  message: m\n`;
    expect(issuesOf(() => set(head))[0]?.message).toBe('a rule has exactly one of condition or sequence');
    expect(issuesOf(() => set(`${head}  sequence:\n    steps: ["true"]\n    within_ms: 10\n`))[0]?.message).toBe('sequence.steps: a sequence needs at least 2 steps');
    expect(issuesOf(() => set(`${head}  sequence:\n    steps: ["true", "true"]\n`))[0]?.message).toBe('sequence: a sequence needs a window: within_ms and/or within_events');
    const nine = JSON.stringify(Array(9).fill('true'));
    expect(issuesOf(() => set(`${head}  sequence:\n    steps: ${nine}\n    within_events: 20\n`))[0]?.message).toBe('sequence.steps: a sequence has at most 8 steps');
  });

  it('reports CEL syntax, type and non-bool errors per rule and step', () => {
    const issues = issuesOf(() =>
      set(
        RULE('R1', 'event.tool ==') +
          RULE('R2', 'event.tool == 1') +
          RULE('R3', 'event.tool') +
          RULE('R4', 'event.no_such_field') +
          `
- rule: S1
  version: 1
  severity: low
  tags: [ASI01]
  description: d
  message: m
  sequence:
    steps: ["true", "lists.undefined_list == []"]
    within_events: 5
`,
      ),
    );
    expect(issues.map((i) => `${i.item}: ${i.message}`)).toEqual([
      'rule R1: condition: CEL: Unexpected token: EOF',
      'rule R2: condition: CEL: no such overload: string == int',
      'rule R3: condition: CEL: condition must be bool, is string',
      'rule R4: condition: CEL: No such key: no_such_field',
      'rule S1: sequence.steps[1]: CEL: No such key: undefined_list',
    ]);
  });

  it('reports a broken macro once and the rules that use it', () => {
    const issues = issuesOf(() => set(`- macro: bad_m\n  condition: event.tool + 1 > 0\n`, RULE('R1', 'bad_m')));
    expect(issues.map((i) => `${i.file}:${i.line} ${i.item}: ${i.message}`)).toEqual([
      'f0.yaml:1 macro bad_m: CEL: no such overload: string + int',
      'f1.yaml:2 rule R1: condition: uses macro with errors: bad_m',
    ]);
  });

  it('rejects reserved names and list/macro name clashes', () => {
    const issues = issuesOf(() => set(`- list: event\n  items: []\n- list: dup\n  items: []\n- macro: dup\n  condition: "true"\n`));
    expect(issues.map((i) => `${i.item}: ${i.message}`)).toEqual([
      "list event: 'event' is a reserved name",
      'macro dup: a list has the same name; names of lists and macros must differ',
    ]);
  });
});

describe('message templates', () => {
  it('renders event, session and rule placeholders, lists and escaped braces', () => {
    const rs = set(`
- rule: R1
  version: 1
  severity: medium
  tags: [ASI03]
  description: d
  message: "{rule.id}/{rule.severity}: {event.agent_id} used {event.tool} needing {event.scopes_missing} at score {event.injection_score}, {session.events} events {{literal}}"
  condition: "true"
`);
    const [m] = rs.evaluate(ctx({ scopes_missing: ['a:w', 'b:w'], injection_score: 0.4567 }, { events: 7 }), rs.newSequenceState());
    expect(m?.message).toBe('R1/medium: agent-a used read_file needing a:w, b:w at score 0.46, 7 events {literal}');
  });

  it('strips control characters and caps long values', () => {
    const rs = set(RULE('R1', 'true').replace('"{event.tool} hit"', '"tool={event.tool}"'));
    const [m] = rs.evaluate(ctx({ tool: `evil\nINJECTED ${'x'.repeat(500)}` }), rs.newSequenceState());
    expect(m?.message).not.toMatch(/\n/);
    expect(m?.message.length).toBeLessThanOrEqual(130);
  });

  it('rejects unknown placeholders at load', () => {
    const issues = issuesOf(() => set(RULE('R1', 'true').replace('"{event.tool} hit"', '"{event.args}"')));
    expect(issues[0]).toMatchObject({ item: 'rule R1', message: 'message: unknown field in placeholder {event.args}' });
  });
});

describe('loadRuleSet', () => {
  it('loads files and directories in order, skipping *.example.yaml in directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    writeFileSync(join(dir, '10-b.yaml'), RULE('R1', 'user_flag'));
    writeFileSync(join(dir, '00-a.yaml'), '- macro: user_flag\n  condition: "true"\n');
    writeFileSync(join(dir, 'x.example.yaml'), '- macro: user_flag\n  condition: "false"\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a rule file');
    expect(fired(loadRuleSet([dir]), ctx())).toEqual(['R1']);
    expect(fired(loadRuleSet([dir, join(dir, 'x.example.yaml')]), ctx())).toEqual([]);
    const missing = issuesOf(() => loadRuleSet([join(dir, 'nope')]));
    expect(missing[0]?.message).toBe('no such file or directory');
  });
});
