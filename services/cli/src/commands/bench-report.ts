/**
 * docs/benchmarks.md, written by `chainwatch bench --docs FILE` from the run that just happened:
 * one section per suite (figure, value, target), with the command, the date and the machine.
 * A run of some suites replaces their sections and keeps the others, so each section is always
 * the output of its own last run. Nothing in it is typed by hand.
 */
import { cpus, loadavg, totalmem } from 'node:os';

export type Figures = Record<string, number>;

interface FigureSpec {
  readonly key: string;
  readonly what: string;
  readonly unit: string;
  readonly target?: string;
  readonly digits?: number;
}

/** A table with one row per target: figures keyed `<prefix><row>.<column>`. */
interface TableSpec {
  readonly prefix: string;
  /** Rows in this order (others after them); a row without figures is listed as not run. */
  readonly rows: readonly { readonly key: string; readonly what: string }[];
  readonly columns: readonly { readonly key: string; readonly what: string; readonly digits?: number }[];
}

interface SuiteSpec {
  readonly title: string;
  readonly about: string;
  readonly table?: TableSpec;
  readonly figures: readonly FigureSpec[];
}

const SUITES: Readonly<Record<string, SuiteSpec>> = {
  core: {
    title: 'Detection core',
    about: 'observe() over generated multi-agent traffic with every detector and the shipped rules; state size at 10k / 100k / 1M sessions.',
    figures: [
      { key: 'events_per_s', what: 'observe throughput, every detector + shipped rules', unit: 'events/s', target: '≥ 50,000' },
      { key: 'bytes_per_session_1m', what: 'state per session at 1M sessions', unit: 'bytes', target: '≤ about 2,048' },
      { key: 'heap_mb_1m', what: 'heap at 1M sessions', unit: 'MB' },
      { key: 'assess_p50_us', what: 'assess() p50 over generated prospective actions', unit: 'µs', digits: 1 },
      { key: 'assess_p99_us', what: 'assess() p99 over generated prospective actions', unit: 'µs', target: '≤ 10', digits: 1 },
    ],
  },
  decisions: {
    title: 'Decision API against the servers users would pick instead',
    about:
      'each server in a process of its own, pinned to one core, the load generator (raw keep-alive sockets, one request in flight per connection) pinned to the other; ' +
      'the same question for every server (a deny for three reasons: a tool and a destination outside the task\'s envelope, a high-risk tool without approval): ' +
      'the bare route answers the decision API\'s exact bytes, OPA serves the rules in Rego, Cerbos as a resource policy with a CEL condition. ' +
      'The decision API verifies the JWT, rate-limits, validates, assesses against the session state with the full rule set, logs the decision (to an in-memory log that keeps nothing, as a Kafka producer once acknowledged) and counts metrics; no store is configured. ' +
      'Each server is saturated for the warm-up first (the heap in steady state), then interleaved rounds: saturation (req/s, server CPU from /proc, p50/p99), then a fixed rate paced evenly (latency from the scheduled send time). Medians over rounds; RSS at the end. ' +
      'On a machine others use too, a server gets only a share of its core (column "share of its core used"): req/s then follow the share, while CPU per request, and the req/s per core derived from it, do not.',
    table: {
      prefix: 'targets.',
      rows: [
        { key: 'bare', what: 'bare fastify route (same answer bytes)' },
        { key: 'opa', what: 'Open Policy Agent 1.22.4 (`opa run --server`)' },
        { key: 'chainwatch', what: 'Chainwatch decision API' },
        { key: 'cerbos', what: 'Cerbos 0.55.0 (`cerbos server`)' },
      ],
      columns: [
        { key: 'rps', what: 'req/s' },
        { key: 'cpu_us_per_req', what: 'server CPU µs/req', digits: 1 },
        { key: 'core_share', what: 'share of its core used', digits: 2 },
        { key: 'rps_per_core', what: 'req/s per core (from CPU)' },
        { key: 'p50_ms', what: 'p50 ms (saturated)', digits: 2 },
        { key: 'p99_ms', what: 'p99 ms (saturated)', digits: 2 },
        { key: 'p50_fixed_rate_ms', what: 'p50 ms (fixed rate)', digits: 2 },
        { key: 'p99_fixed_rate_ms', what: 'p99 ms (fixed rate)', digits: 2 },
        { key: 'rss_mb', what: 'RSS MiB', digits: 1 },
      ],
    },
    figures: [
      { key: 'ratio_vs_opa', what: 'Chainwatch / OPA, req/s on one core', unit: '', target: '≥ 1.0', digits: 3 },
      { key: 'cpu_ratio_vs_opa', what: 'Chainwatch / OPA, req/s per core from CPU per request (not skewed by other load on the core)', unit: '', target: '≥ 1.0', digits: 3 },
      { key: 'cpu_ratio_vs_cerbos', what: 'Chainwatch / Cerbos, req/s per core from CPU per request', unit: '', digits: 3 },
      { key: 'cpu_ratio_vs_bare', what: 'Chainwatch / bare route, req/s per core from CPU per request', unit: '', digits: 3 },
      { key: 'ratio_vs_cerbos', what: 'Chainwatch / Cerbos, req/s on one core', unit: '', digits: 3 },
      { key: 'ratio_vs_bare', what: 'Chainwatch / bare route, req/s on one core', unit: '', digits: 3 },
      { key: 'targets.chainwatch.p99_fixed_rate_ms', what: 'Chainwatch p99 at the fixed rate, after the warm-up', unit: 'ms', target: '≤ 2', digits: 2 },
      { key: 'targets.chainwatch.rss_mb', what: 'Chainwatch RSS without a store', unit: 'MiB', target: '≤ 150', digits: 1 },
      { key: 'assess_p50_us', what: 'in-process assess() p50, full rule set, the bench\'s question', unit: 'µs', digits: 1 },
      { key: 'assess_p99_us', what: 'in-process assess() p99, full rule set, the bench\'s question', unit: 'µs', target: '≤ 10', digits: 1 },
      { key: 'assess_per_s', what: 'in-process assess() throughput', unit: 'assessments/s' },
      { key: 'fixed_rate', what: 'the fixed rate', unit: 'req/s' },
      { key: 'connections', what: 'connections at saturation', unit: '' },
      { key: 'pinned', what: 'server and load generator on cores of their own (1 = yes)', unit: '' },
      { key: 'load_start', what: 'load average (1 min) at the start', unit: '', digits: 2 },
      { key: 'load_end', what: 'load average (1 min) at the end', unit: '', digits: 2 },
    ],
  },
  writer: {
    title: 'Trace writer',
    about: 'the trace writer against bare client.insert batches of the same rows, embedded ClickHouse engine, this process (writer, engine, row generator) pinned to one core; medians of interleaved rounds.',
    figures: [
      { key: 'writer_rows_per_s', what: 'trace writer', unit: 'rows/s' },
      { key: 'bare_rows_per_s', what: 'bare client.insert, same run', unit: 'rows/s' },
      { key: 'ratio', what: 'writer / bare', unit: '', target: '≥ 0.9', digits: 3 },
      { key: 'pinned', what: 'writer and its embedded store on one core (1 = yes)', unit: '' },
      { key: 'load_start', what: 'load average (1 min) at the start', unit: '', digits: 2 },
      { key: 'load_end', what: 'load average (1 min) at the end', unit: '', digits: 2 },
    ],
  },
  processor: {
    title: 'Session processor (real Kafka)',
    about:
      'the session processor against a bare kafkajs consumer that only parses JSON, same broker, same topic, same run: the bench\'s own broker pinned to one core, the consumers and the generator on the other (with KAFKA_BROKERS set, that broker, unpinned); medians of interleaved rounds.',
    figures: [
      { key: 'processor_events_per_s', what: 'session processor', unit: 'events/s' },
      { key: 'bare_events_per_s', what: 'bare kafkajs consumer, same run', unit: 'events/s' },
      { key: 'ratio', what: 'processor / bare', unit: '', target: '≥ 0.6', digits: 3 },
      { key: 'pinned', what: 'broker and consumers on cores of their own (1 = yes)', unit: '' },
      { key: 'load_start', what: 'load average (1 min) at the start', unit: '', digits: 2 },
      { key: 'load_end', what: 'load average (1 min) at the end', unit: '', digits: 2 },
    ],
  },
  shell: {
    title: 'Shell commands (coding agents)',
    about:
      'the shell analyser (tree-sitter-bash, or the grammar-free reader for simple lines; effects per command) and the detection core on the simulator\'s shell corpus (`--traces`, default 3,000): ' +
      'each distinct command parsed with no cache (miss) and from the cache (hit), the calls in order through the default cache, then observe() over the same events without and with the analyser plugged in (cache cold at the start). This process on one core; CPU time.',
    figures: [
      { key: 'events', what: 'events of the corpus', unit: '' },
      { key: 'shell_calls', what: 'shell calls among them', unit: '' },
      { key: 'distinct_commands', what: 'distinct commands', unit: '' },
      { key: 'miss_us', what: 'analysis of a command not in the cache', unit: 'µs', digits: 1 },
      { key: 'hit_us', what: 'analysis from the cache', unit: 'µs', digits: 2 },
      { key: 'stream_per_s', what: 'shell calls in order, default cache', unit: 'commands/s' },
      { key: 'stream_hit_rate', what: 'cache hit rate of that stream', unit: '', digits: 3 },
      { key: 'core_events_per_s', what: 'observe() on this traffic, no analyser', unit: 'events/s' },
      { key: 'core_with_shell_events_per_s', what: 'observe() on this traffic, analyser plugged in (parsing included)', unit: 'events/s', target: '≥ 50,000' },
    ],
  },
  'mcp-proxy': {
    title: 'MCP proxy',
    about:
      'an MCP SDK client calling a small MCP server (a child process) directly and through `chainwatch mcp-proxy` (a child process, in-process engine, every call allowed), over stdio, one call in flight, rounds alternating after a warm-up; the added latency is proxied minus direct per percentile; the gate alone is the decision and the report in process, no transport: the part of the added latency that is Chainwatch\'s rather than the extra hop\'s.',
    figures: [
      { key: 'direct_p50_us', what: 'direct call p50', unit: 'µs' },
      { key: 'direct_p99_us', what: 'direct call p99', unit: 'µs' },
      { key: 'proxy_p50_us', what: 'through the proxy p50', unit: 'µs' },
      { key: 'proxy_p99_us', what: 'through the proxy p99', unit: 'µs' },
      { key: 'added_p50_us', what: 'added by the proxy, p50', unit: 'µs' },
      { key: 'added_p99_us', what: 'added by the proxy, p99', unit: 'µs', target: '< 1,000' },
      { key: 'gate_p50_us', what: 'the gate alone, p50', unit: 'µs', digits: 1 },
      { key: 'gate_p99_us', what: 'the gate alone, p99', unit: 'µs', digits: 1 },
      { key: 'refused', what: 'proxied calls not allowed (should be 0)', unit: '' },
    ],
  },
  startup: {
    title: 'Start-up of each service, built against tsx',
    about:
      'each service started as the image runs it (`node services/cli/dist/main.js SERVICE`) and from the TypeScript sources through tsx (`npm run chainwatch -- SERVICE`, compile cache warm): time from spawn to `/readyz` 200, and RSS then; ' +
      '`start` on a fresh data directory (embedded engine), the others against a broker of the bench\'s own; the service on one core, the broker on the other; medians of three starts after one unmeasured start each.',
    table: {
      prefix: 'services.',
      rows: [
        { key: 'start', what: '`start` (all-in-one, embedded store)' },
        { key: 'decision-api', what: '`decision-api` (no store)' },
        { key: 'processor', what: '`processor`' },
        { key: 'trace-writer', what: '`trace-writer` (embedded store)' },
      ],
      columns: [
        { key: 'built.ready_ms', what: 'built: ready, ms' },
        { key: 'built.rss_mb', what: 'built: RSS MiB', digits: 1 },
        { key: 'tsx.ready_ms', what: 'tsx: ready, ms' },
        { key: 'tsx.rss_mb', what: 'tsx: RSS MiB', digits: 1 },
      ],
    },
    figures: [
      { key: 'load_start', what: 'load average (1 min) at the start', unit: '', digits: 2 },
      { key: 'load_end', what: 'load average (1 min) at the end', unit: '', digits: 2 },
    ],
  },
};

export interface BenchRunInfo {
  readonly command: string;
  readonly startedAt: Date;
  /** 1-minute load average when the run started. */
  readonly load1: number;
}

export function benchRunInfo(command: string): BenchRunInfo {
  return { command, startedAt: new Date(), load1: loadavg()[0] ?? 0 };
}

const HEADER = `# Benchmarks

Written by \`npm run bench -- [SUITE...] --docs docs/benchmarks.md\` from the run that just
happened: each section below is the output of the last run of its suite, with the command, the
date, the machine and its load average. The benchmarks run the built code (\`npm run bench\` builds
first). With two or more cores, the process under test (a server, a service, a broker) is pinned
to one core with \`taskset\` and its load generator to another, so a figure is what one core gives
it; with one core (or no \`taskset\`) nothing is pinned and the bench says so. On a shared or busy
machine the load average shows how far to trust a run: compare the targets within one run
(same-run baselines, interleaved rounds) rather than absolute rates across runs. Targets are those
of issue 14 and the design brief.
`;

/**
 * `info`: the run (command, start, load), or one per suite: each section then records the date
 * and load average of its own start.
 */
export function renderBenchDoc(existing: string | null, results: Readonly<Record<string, Figures>>, info: BenchRunInfo | Readonly<Record<string, BenchRunInfo>>): string {
  const infoOf = (suite: string): BenchRunInfo => ('command' in info && typeof info.command === 'string' ? (info as BenchRunInfo) : ((info as Record<string, BenchRunInfo>)[suite] as BenchRunInfo));
  const sections = new Map<string, string>();
  for (const m of (existing ?? '').matchAll(/<!-- bench:([a-z]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->\n/g)) sections.set(m[1]!, m[2]!);
  for (const [suite, figures] of Object.entries(results)) sections.set(suite, renderSection(suite, figures, infoOf(suite)));
  const order = [...Object.keys(SUITES), ...[...sections.keys()].filter((s) => !(s in SUITES))];
  const body = order.filter((s) => sections.has(s)).map((s) => `<!-- bench:${s} -->\n${sections.get(s)}<!-- /bench:${s} -->\n`);
  const missing = Object.keys(SUITES).filter((s) => !sections.has(s));
  const notRun = missing.length > 0 ? `\nNot run yet: ${missing.map((s) => `\`${s}\``).join(', ')} (\`npm run bench -- ${missing.join(' ')} --docs docs/benchmarks.md\`).\n` : '';
  return `${HEADER}${notRun}\n${body.join('\n')}`;
}

function renderSection(suite: string, figures: Figures, info: BenchRunInfo): string {
  const spec = SUITES[suite];
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${info.load1.toFixed(2)} at the start`;
  const lines = [
    `## ${spec?.title ?? suite}`,
    '',
    `\`${info.command}\` on ${info.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}: ${machine}.`,
    spec ? `${spec.about[0]?.toUpperCase() ?? ''}${spec.about.slice(1)}` : '',
    '',
    '| figure | value | target |',
    '|---|---:|---|',
  ];
  if (spec?.table) lines.splice(lines.length - 2, 0, ...renderTable(spec.table, figures), '');
  const known = new Set(spec?.figures.map((f) => f.key) ?? []);
  const tabled = (key: string): boolean => spec?.table !== undefined && key.startsWith(spec.table.prefix);
  for (const f of spec?.figures ?? []) {
    const v = figures[f.key];
    const value = v === undefined || Number.isNaN(v) ? 'n/a' : `${format(v, f.digits)}${f.unit ? ` ${f.unit}` : ''}`;
    lines.push(`| ${f.what} | ${value} |${f.target ? ` ${f.target} ` : ' '}|`);
  }
  for (const [key, v] of Object.entries(figures)) if (!known.has(key) && !tabled(key)) lines.push(`| ${key.replaceAll('_', ' ')} | ${format(v, 3)} | |`);
  return `${lines.join('\n')}\n`;
}

function renderTable(table: TableSpec, figures: Figures): string[] {
  const rows = new Set<string>(table.rows.map((r) => r.key));
  for (const key of Object.keys(figures)) if (key.startsWith(table.prefix)) rows.add(key.slice(table.prefix.length).split('.')[0] ?? '');
  const out = [`| | ${table.columns.map((c) => c.what).join(' | ')} |`, `|---|${table.columns.map(() => '---:').join('|')}|`];
  for (const row of rows) {
    const what = table.rows.find((r) => r.key === row)?.what ?? row;
    const cells = table.columns.map((c) => {
      const v = figures[`${table.prefix}${row}.${c.key}`];
      return v === undefined || Number.isNaN(v) ? 'not run' : format(v, c.digits);
    });
    out.push(`| ${what} | ${cells.join(' | ')} |`);
  }
  return out;
}

function format(v: number, digits = 0): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
