/**
 * `chainwatch bench [core|decisions|writer|processor|startup|mcp-proxy|shell] [--json OUT]`: each suite measures
 * Chainwatch against a baseline in the same run and prints both and the ratio (`shell`: the shell
 * analyser's miss and hit costs, and the core on shell traffic with and without it). With one suite, --json writes
 * exactly that suite's figures; with none, the default suites run (core, decisions, writer: no
 * broker needed) and --json writes them keyed by suite. `processor` starts a Kafka broker of its
 * own (pinned to a core) unless KAFKA_BROKERS is set, and runs only when named; so does
 * `mcp-proxy` (--events sets its number of calls per target). With two or more cores, every
 * suite that measures a server or a service pins it and its load generator to cores of their own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../usage-error';
import { intOption, parseCliArgs } from './cli-args';
import { DECISION_TARGETS, runCoreBench, runDecisionsBench, runMcpProxyBench, runProcessorBench, runShellBench, runStartupBench, runWriterBench, type DecisionTargetName } from '@chainwatch/bench';
import { benchRunInfo, renderBenchDoc, type BenchRunInfo, type Figures } from './bench-report';

const USAGE =
  'usage: chainwatch bench [core|decisions|writer|processor|startup|mcp-proxy|shell] [--json OUT] [--docs FILE] [--events N] [--rows N] [--traces N] ' +
  '[--duration S] [--warmup S] [--rounds N] [--connections N] [--rate N] [--targets bare,chainwatch,opa,cerbos]';

const pick = (source: object, keys: readonly string[]): Figures =>
  Object.fromEntries(keys.map((k) => [k, (source as Record<string, number>)[k] ?? Number.NaN]));

/** Nested figures as flat `row.figure` keys (the docs' per-target tables); nulls and non-numbers left out. */
function flatten(source: object, prefix = ''): Figures {
  const out: Figures = {};
  for (const [k, v] of Object.entries(source)) {
    if (typeof v === 'number') out[`${prefix}${k}`] = v;
    else if (typeof v === 'boolean') out[`${prefix}${k}`] = v ? 1 : 0;
    else if (v !== null && typeof v === 'object') Object.assign(out, flatten(v as object, `${prefix}${k}.`));
  }
  return out;
}

function decisionTargets(list: string | undefined): DecisionTargetName[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').map((t) => t.trim()).filter(Boolean);
  for (const n of names) if (!(DECISION_TARGETS as readonly string[]).includes(n)) throw new UsageError(`unknown decision target '${n}' (known: ${DECISION_TARGETS.join(', ')})`);
  return names as DecisionTargetName[];
}

export async function runBenchCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, 'bench');
  const command = `npm run bench -- ${argv.join(' ')}`;
  /** Per suite: when it started and the load average then. */
  const runs: Record<string, BenchRunInfo> = {};
  const suites = positionals.length > 0 ? positionals : ['core', 'decisions', 'writer'];
  const log = (line: string) => console.log(line);
  const results: Record<string, Figures> = {};
  /** What --json writes per suite: the figures, or the suite's own result where it is nested (decisions). */
  const raw: Record<string, unknown> = {};
  for (const suite of suites) {
    console.log(`\n== bench ${suite}`);
    runs[suite] = benchRunInfo(command);
    switch (suite) {
      case 'core': {
        const r = await runCoreBench({ events: intOption('events', values.events, 200_000), log });
        results.core = pick(r, ['events_per_s', 'bytes_per_session_1m', 'heap_mb_1m', 'assess_p50_us', 'assess_p99_us']);
        break;
      }
      case 'decisions': {
        const targets = decisionTargets(values.targets);
        const r = await runDecisionsBench({
          roundS: intOption('duration', values.duration, 10),
          warmupS: intOption('warmup', values.warmup, 60),
          rounds: intOption('rounds', values.rounds, 3),
          connections: intOption('connections', values.connections, 50),
          fixedRate: intOption('rate', values.rate, 2000),
          ...(targets ? { targets } : {}),
          log,
        });
        raw.decisions = r;
        results.decisions = flatten(r);
        break;
      }
      case 'writer': {
        const r = await runWriterBench({ rows: intOption('rows', values.rows, 40_000), rounds: intOption('rounds', values.rounds, 4), log });
        results.writer = flatten(r);
        break;
      }
      case 'shell': {
        const r = await runShellBench({ traces: intOption('traces', values.traces, 3_000), log });
        results.shell = pick(r, ['events', 'shell_calls', 'distinct_commands', 'miss_us', 'hit_us', 'stream_per_s', 'stream_hit_rate', 'core_events_per_s', 'core_with_shell_events_per_s']);
        break;
      }
      case 'processor': {
        const r = await runProcessorBench({ events: intOption('events', values.events, 50_000), rounds: intOption('rounds', values.rounds, 3), log });
        results.processor = flatten(r);
        break;
      }
      case 'startup': {
        const r = await runStartupBench({ runs: intOption('rounds', values.rounds, 3), log });
        raw.startup = r;
        results.startup = flatten(r);
        break;
      }
      case 'mcp-proxy': {
        const r = await runMcpProxyBench({ calls: intOption('events', values.events, 4000), log });
        results['mcp-proxy'] = pick(r, ['direct_p50_us', 'direct_p99_us', 'proxy_p50_us', 'proxy_p99_us', 'added_p50_us', 'added_p99_us', 'gate_p50_us', 'gate_p99_us', 'refused']);
        break;
      }
      default:
        throw new UsageError(`unknown bench suite '${suite}'\n${USAGE}`);
    }
    raw[suite] ??= results[suite];
    console.log(`bench ${suite}: ${JSON.stringify(raw[suite])}`);
  }
  if (values.docs) {
    let existing: string | null = null;
    try {
      existing = readFileSync(values.docs, 'utf8');
    } catch {
      existing = null;
    }
    writeFileSync(values.docs, renderBenchDoc(existing, results, runs));
    console.log(`bench: wrote ${Object.keys(results).join(', ')} into ${values.docs}`);
  }
  if (values.json) {
    const only = suites.length === 1 ? raw[suites[0]!] : raw;
    writeFileSync(values.json, `${JSON.stringify(only, null, 2)}\n`);
    console.log(`bench: wrote ${values.json}`);
  }
  return 0;
}
