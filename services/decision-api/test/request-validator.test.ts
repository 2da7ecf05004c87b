/**
 * The request path's precompiled validator says "valid" exactly when the contract's zod schema
 * does: over hand-written valid and invalid requests and thousands of random mutations of valid
 * ones, the verdicts agree, and an accepted request equals zod's output (defaults filled in).
 * The contract's refinements are counted so that a new one, which the JSON Schema cannot carry,
 * fails here until the validator checks it too.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DecisionRequest, ToolArgs, isWellFormed } from '@chainwatch/schemas';
import { compileDecisionRequestCheck, everyStringWellFormed } from '../src/decisions/request-validator';

const check = compileDecisionRequestCheck();

const VALID: readonly unknown[] = [
  { session_id: 's1', agent: { id: 'a1' }, principal: { sub: 'u' }, action: { kind: 'tool_call', tool: 'kb.search' } },
  {
    session_id: 'bench-session-1',
    trace_id: 't1',
    parent_session_id: null,
    agent: { id: 'agent-1', type: 'support-bot', spiffe_id: 'spiffe://example.org/ns/support/sa/bot', model: 'm' },
    principal: { sub: 'user-42', act: [{ sub: 'agent-0' }] },
    task: { id: 'task-1', intent: 'answer the ticket', scopes: ['crm:read'], max_data_class: 'internal', allowed_tools: ['kb.search'], allowed_destinations: ['internal'] },
    action: {
      kind: 'tool_call',
      tool: 'send_email',
      operation: 'send',
      resource: 'mailto:x@example.org',
      data_class: 'confidential',
      destination: 'example.org',
      bytes: 10,
      args: { to: 'x@example.org', nested: { list: [1, 'two', null, { deep: true }] } },
    },
    credential: { token_id: 'tok', issued_at: 1_700_000_000_000, expires_at: 1_700_000_600_000, scopes: ['crm:read'], audience: 'api' },
    context: { source: 'gateway', ip: '10.0.0.1', injection_score: 0.2, user_approved: false },
    approval_binding: 'b-1',
  },
];

const POOL: readonly unknown[] = [
  null,
  '',
  'x',
  'x'.repeat(257),
  'x'.repeat(5000),
  '\ud800',
  'ok\ud83d\ude00',
  '😀'.repeat(200),
  'a\u0001b',
  -1,
  0,
  1.5,
  1_700_000_000_000,
  999,
  true,
  [],
  {},
  [1],
  ['x'],
  [{ sub: 'x' }],
  'spiffe://Bad',
  'spiffe://example.org/ns/a',
  'read',
  'send',
  'tool_call',
  'secret',
  'fail_open',
  { id: 'x' },
  { sub: 'x' },
  Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(500)])),
  JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) as unknown,
  { '\udc00': 1 },
];

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paths to every object member and array item of a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const members: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value !== null && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of members) {
    out.push([...prefix, k]);
    paths(v, [...prefix, k], out);
  }
  return out;
}

function mutate(base: unknown, random: () => number): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const n = 1 + Math.floor(random() * 3);
  for (let m = 0; m < n; m++) {
    const all = paths(copy);
    const path = all[Math.floor(random() * all.length)];
    if (!path) break;
    let parent: Record<string | number, unknown> = copy;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    const what = random();
    if (what < 0.2 && !Array.isArray(parent)) delete parent[last];
    else if (what < 0.3 && !Array.isArray(parent)) parent[`extra_${m}`] = 1;
    else parent[last] = structuredClone(POOL[Math.floor(random() * POOL.length)]);
  }
  return copy;
}

/** JSON with sorted keys: equal values print alike whatever their key order. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

function agree(input: unknown): void {
  const zod = DecisionRequest.safeParse(structuredClone(input));
  const fastInput = structuredClone(input);
  const fast = check(fastInput);
  expect(fast, `verdicts differ for ${JSON.stringify(input).slice(0, 3000)}: zod ${zod.success ? 'accepts' : JSON.stringify(zod.error.issues[0])}`).toBe(zod.success);
  if (fast && zod.success) expect(canonical(fastInput)).toBe(canonical(zod.data));
}

describe('the precompiled decision-request validator', () => {
  it('accepts what the contract accepts, with the same defaults filled in', () => {
    for (const v of VALID) {
      expect(DecisionRequest.safeParse(v).success).toBe(true);
      agree(v);
    }
  });

  it('agrees with the contract on 20,000 random mutations of valid requests', () => {
    const random = rng(20261205);
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(VALID[i % VALID.length], random);
      agree(input);
      if (!DecisionRequest.safeParse(input).success) rejected++;
    }
    // The mutations exercise both answers.
    expect(rejected).toBeGreaterThan(5000);
    expect(rejected).toBeLessThan(19_000);
  });

  it('rejects what only the refinements catch: lone surrogates anywhere, tool arguments too deep or too large', () => {
    const base = VALID[1] as { action: Record<string, unknown> };
    const withArgs = (args: unknown) => ({ ...base, action: { ...base.action, args } });
    for (const input of [
      { ...base, session_id: 'ok\ud800' },
      withArgs({ to: 'x\udfff' }),
      withArgs({ ['k\ud800']: 1 }),
      withArgs(JSON.parse(`{"a":${'['.repeat(40)}1${']'.repeat(40)}}`) as unknown),
      withArgs({ big: 'x'.repeat(20_000) }),
    ]) {
      expect(DecisionRequest.safeParse(input).success).toBe(false);
      expect(check(structuredClone(input))).toBe(false);
    }
    expect(everyStringWellFormed({ a: ['ok', { b: 'fine 😀' }] })).toBe(true);
  });

  it('knows every refinement of the contract (JSON Schema carries none of them)', () => {
    const found = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (schema: z.ZodType): void => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { checks?: { _zod: { def: { check: string; fn?: unknown } } }[] } } })._zod.def;
      for (const c of def.checks ?? []) {
        if (c._zod.def.check !== 'custom') continue;
        if (schema === ToolArgs) found.add('tool-args-bounds');
        else if (c._zod.def.fn === isWellFormed) found.add('well-formed');
        else found.add(`unknown refinement in a ${String(def.type)} schema`);
      }
      const children: unknown[] = [def.innerType, def.element, def.keyType, def.valueType, def.in, def.out, ...(Array.isArray(def.options) ? def.options : [])];
      if (def.shape && typeof def.shape === 'object') children.push(...Object.values(def.shape as object));
      for (const child of children) if (child !== undefined && child !== null && typeof child === 'object' && '_zod' in child) walk(child as z.ZodType);
    };
    walk(DecisionRequest);
    expect([...found].sort()).toEqual(['tool-args-bounds', 'well-formed']);
  });
});
