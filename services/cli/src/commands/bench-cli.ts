/**
 * `chainwatch bench [core|decisions|writer|processor|mcp-proxy|shell] [--json OUT]`: each suite measures
 * Chainwatch against a baseline in the same run and prints both and the ratio (`shell`: the shell
 * analyser's miss and hit costs, and the core on shell traffic with and without it). With one suite, --json writes
 * exactly that suite's figures; with none, the default suites run (core, decisions, writer: no
 * broker needed) and --json writes them keyed by suite. `processor` needs a Kafka broker
 * (KAFKA_BROKERS, default 127.0.0.1:9092) and runs only when named; so does `mcp-proxy` (--events
 * sets its number of calls per target).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../usage-error';
import { intOption, parseCliArgs } from './cli-args';
import { runCoreBench, runDecisionsBench, runMcpProxyBench, runProcessorBench, runShellBench, runWriterBench } from '@chainwatch/bench';
import { benchRunInfo, renderBenchDoc } from './bench-report';

const USAGE = 'usage: chainwatch bench [core|decisions|writer|processor|mcp-proxy|shell] [--json OUT] [--docs FILE] [--events N] [--duration S] [--rows N] [--calibrate US,US...] [--traces N]';

type Figures = Record<string, number>;

const pick = (source: object, keys: readonly string[]): Figures =>
  Object.fromEntries(keys.map((k) => [k, (source as Record<string, number>)[k] ?? Number.NaN]));

export async function runBenchCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, 'bench');
  const run = benchRunInfo(`npm run bench -- ${argv.join(' ')}`);
  const suites = positionals.length > 0 ? positionals : ['core', 'decisions', 'writer'];
  const log = (line: string) => console.log(line);
  const results: Record<string, Figures> = {};
  for (const suite of suites) {
    console.log(`\n== bench ${suite}`);
    switch (suite) {
      case 'core': {
        const r = await runCoreBench({ events: intOption('events', values.events, 200_000), log });
        results.core = pick(r, ['events_per_s', 'bytes_per_session_1m', 'heap_mb_1m']);
        break;
      }
      case 'decisions': {
        const calibrateUs = values.calibrate === undefined ? [] : values.calibrate.split(',').map((v) => intOption('calibrate', v, 0));
        const r = await runDecisionsBench({ durationS: intOption('duration', values.duration, 10), calibrateUs, log });
        results.decisions = { ...pick(r, ['assess_p99_us', 'assess_per_s', 'api_rps', 'bare_rps', 'ratio', 'api_p99_ms']), ...r.calibration };
        break;
      }
      case 'writer': {
        const r = await runWriterBench({ rows: intOption('rows', values.rows, 40_000), log });
        results.writer = pick(r, ['writer_rows_per_s', 'bare_rows_per_s', 'ratio']);
        break;
      }
      case 'shell': {
        const r = await runShellBench({ traces: intOption('traces', values.traces, 3_000), log });
        results.shell = pick(r, ['miss_us', 'hit_us', 'stream_per_s', 'stream_hit_rate', 'core_events_per_s', 'core_with_shell_events_per_s']);
        break;
      }
      case 'processor': {
        const r = await runProcessorBench({ events: intOption('events', values.events, 50_000), log });
        results.processor = pick(r, ['processor_events_per_s', 'bare_events_per_s', 'ratio']);
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
    console.log(`bench ${suite}: ${JSON.stringify(results[suite])}`);
  }
  if (values.docs) {
    let existing: string | null = null;
    try {
      existing = readFileSync(values.docs, 'utf8');
    } catch {
      existing = null;
    }
    writeFileSync(values.docs, renderBenchDoc(existing, results, run));
    console.log(`bench: wrote ${Object.keys(results).join(', ')} into ${values.docs}`);
  }
  if (values.json) {
    const only = suites.length === 1 ? results[suites[0]!] : results;
    writeFileSync(values.json, `${JSON.stringify(only, null, 2)}\n`);
    console.log(`bench: wrote ${values.json}`);
  }
  return 0;
}
