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

const SUITES: Readonly<Record<string, { title: string; about: string; figures: readonly FigureSpec[] }>> = {
  core: {
    title: 'Detection core',
    about: 'observe() over generated multi-agent traffic with every detector and the shipped rules; state size at 10k / 100k / 1M sessions.',
    figures: [
      { key: 'events_per_s', what: 'observe throughput, every detector + shipped rules', unit: 'events/s', target: '≥ 50,000' },
      { key: 'bytes_per_session_1m', what: 'state per session at 1M sessions', unit: 'bytes', target: '≤ about 2,048' },
      { key: 'heap_mb_1m', what: 'heap at 1M sessions', unit: 'MB' },
    ],
  },
  decisions: {
    title: 'Decision API',
    about: 'in-process assess() on a warmed session, then the real API (JWT, rate limit, validation, decision log, metrics) against a bare fastify route in the same run, 16 connections.',
    figures: [
      { key: 'assess_per_s', what: 'in-process assess(), full rule set', unit: 'assessments/s' },
      { key: 'assess_p99_us', what: 'in-process assess() p99', unit: 'µs', target: '≤ 50', digits: 1 },
      { key: 'api_rps', what: 'decision API', unit: 'req/s' },
      { key: 'bare_rps', what: 'bare fastify route, same run', unit: 'req/s' },
      { key: 'ratio', what: 'decision API / bare route', unit: '', target: '≥ 0.7', digits: 3 },
      { key: 'api_p99_ms', what: 'decision API p99 latency', unit: 'ms', target: 'a few ms', digits: 1 },
    ],
  },
  writer: {
    title: 'Trace writer',
    about: 'the trace writer against bare client.insert batches of the same rows, embedded ClickHouse engine.',
    figures: [
      { key: 'writer_rows_per_s', what: 'trace writer', unit: 'rows/s' },
      { key: 'bare_rows_per_s', what: 'bare client.insert, same run', unit: 'rows/s' },
      { key: 'ratio', what: 'writer / bare', unit: '', target: '≥ 0.8', digits: 3 },
    ],
  },
  processor: {
    title: 'Session processor (real Kafka)',
    about: 'the session processor against a bare kafkajs consumer that only parses JSON, same broker, same run (needs KAFKA_BROKERS).',
    figures: [
      { key: 'processor_events_per_s', what: 'session processor', unit: 'events/s' },
      { key: 'bare_events_per_s', what: 'bare kafkajs consumer, same run', unit: 'events/s' },
      { key: 'ratio', what: 'processor / bare', unit: '', target: '≥ 0.7', digits: 3 },
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
date and the machine. Rerun on your own machine rather than trusting these; on a shared or busy
machine the ratios against the same-run baselines are what carries over, not the absolute rates.
Targets are those of the design brief.
`;

export function renderBenchDoc(existing: string | null, results: Readonly<Record<string, Figures>>, info: BenchRunInfo): string {
  const sections = new Map<string, string>();
  for (const m of (existing ?? '').matchAll(/<!-- bench:([a-z]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->\n/g)) sections.set(m[1]!, m[2]!);
  for (const [suite, figures] of Object.entries(results)) sections.set(suite, renderSection(suite, figures, info));
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
  const known = new Set(spec?.figures.map((f) => f.key) ?? []);
  for (const f of spec?.figures ?? []) {
    const v = figures[f.key];
    const value = v === undefined || Number.isNaN(v) ? 'n/a' : `${format(v, f.digits)}${f.unit ? ` ${f.unit}` : ''}`;
    lines.push(`| ${f.what} | ${value} |${f.target ? ` ${f.target} ` : ' '}|`);
  }
  for (const [key, v] of Object.entries(figures)) if (!known.has(key)) lines.push(`| ${key.replaceAll('_', ' ')} | ${format(v, 3)} | |`);
  return `${lines.join('\n')}\n`;
}

function format(v: number, digits = 0): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
