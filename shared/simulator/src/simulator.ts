import type { Level } from '@chainwatch/schemas';
import { ATTACK_SCENARIOS } from './attack-scenarios';
import { BENIGN_SCENARIOS } from './benign-scenarios';
import { ENTERPRISE_SCENARIOS } from './enterprise-scenarios';
import { createRng, type Rng } from './prng';
import { SHELL_SCENARIOS } from './shell-scenarios';
import type { GeneratedTrace, ScenarioDefinition } from './scenario';
import { TraceBuilder } from './trace-builder';
import { employee } from './workloads';

export interface SimulatorOptions {
  /** Same seed, same traffic (event ids, sessions, timings). */
  readonly seed: number | string;
  /** Share of traces that are attacks, 0..1 (default 0.1). */
  readonly attackRate?: number;
  /** Restrict generation to these scenario names (default: the scenarios of `suite`). */
  readonly scenarios?: readonly string[];
  /** Scenario suite to draw from when `scenarios` is not given: a suite name, 'default' (core and enterprise) or 'all'. */
  readonly suite?: string;
}

export interface Simulator {
  /** The next trace, its first event at `now`; events are ordered by ts. */
  nextTrace(now: number): GeneratedTrace;
  /** One trace of a named scenario (e.g. to test one detector), drawn from the same seeded stream. */
  scenario(name: string, now: number): GeneratedTrace;
  /** Endless traces starting at `now`, each one starting where the previous ended. */
  traces(now: number): Generator<GeneratedTrace, never, undefined>;
}

export const SCENARIOS: readonly ScenarioDefinition[] = [...BENIGN_SCENARIOS, ...ATTACK_SCENARIOS, ...ENTERPRISE_SCENARIOS, ...SHELL_SCENARIOS];

/**
 * What a simulator draws from unless told otherwise: the multi-agent mixes ('core', with the
 * simulator's catalogued tools, and 'enterprise', tools no catalog knows under declared scopes).
 * Other suites (e.g. 'shell') are generated on request (`suite`, `scenarios`, `chainwatch corpus --suite`).
 */
export const DEFAULT_SUITE = 'default';
const DEFAULT_MEMBERS = ['core', 'enterprise'];

const inSuite = (s: ScenarioDefinition, suite: string): boolean =>
  suite === 'all' || s.suites.includes(suite) || (suite === DEFAULT_SUITE && s.suites.some((x) => DEFAULT_MEMBERS.includes(x)));

/** Lowest level an attack is expected to drive its session to. */
const ATTACK_MIN_LEVEL: Level = 'medium';

/** Scenario names of a suite (default the default suite; 'all' for every suite), optionally of one kind. */
export function scenarioNames(kind?: 'benign' | 'attack', suite: string = DEFAULT_SUITE): string[] {
  return SCENARIOS.filter((s) => (kind === undefined || s.kind === kind) && inSuite(s, suite)).map((s) => s.name);
}

function weighted(rng: Rng, items: readonly ScenarioDefinition[]): ScenarioDefinition {
  const total = items.reduce((sum, s) => sum + s.weight, 0);
  let r = rng.next() * total;
  for (const s of items) {
    r -= s.weight;
    if (r < 0) return s;
  }
  return items[items.length - 1] as ScenarioDefinition;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const attackRate = options.attackRate ?? 0.1;
  if (!(attackRate >= 0 && attackRate <= 1)) throw new RangeError('attackRate must be between 0 and 1');
  const rng = createRng(options.seed);
  const allowed = new Set(options.scenarios ?? scenarioNames(undefined, options.suite ?? DEFAULT_SUITE));
  if (options.scenarios) for (const name of allowed) if (!SCENARIOS.some((s) => s.name === name)) throw new RangeError(`unknown scenario: ${name}`);
  if (allowed.size === 0) throw new RangeError(`no scenario in suite ${options.suite ?? DEFAULT_SUITE}`);
  const pool = (kind: 'benign' | 'attack') => SCENARIOS.filter((s) => s.kind === kind && allowed.has(s.name));
  const benign = pool('benign');
  const attacks = pool('attack');

  const generate = (def: ScenarioDefinition, now: number): GeneratedTrace => {
    const builder = new TraceBuilder(rng, now, employee(rng));
    const expected = def.build(builder);
    const events = builder.events.sort((a, b) => a.ts - b.ts);
    return {
      scenario: {
        scenario: def.name,
        kind: def.kind,
        description: def.description,
        expected,
        minLevel: def.kind === 'attack' ? ATTACK_MIN_LEVEL : null,
        traceId: builder.traceId,
        sessionIds: [...new Set(events.map((e) => e.session_id))],
      },
      events,
    };
  };

  const nextTrace = (now: number): GeneratedTrace => {
    const attack = attacks.length > 0 && (benign.length === 0 || rng.chance(attackRate));
    return generate(weighted(rng, attack ? attacks : benign), now);
  };

  return {
    nextTrace,
    scenario(name, now) {
      const def = SCENARIOS.find((s) => s.name === name);
      if (!def) throw new RangeError(`unknown scenario: ${name}`);
      return generate(def, now);
    },
    *traces(now) {
      let clock = now;
      for (;;) {
        const trace = nextTrace(clock);
        clock = (trace.events[trace.events.length - 1]?.ts ?? clock) + 1;
        yield trace;
      }
    },
  };
}
