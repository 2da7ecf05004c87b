/**
 * What each `chainwatch` command accepts: its usage lines, a description, its options (the
 * node:util parseArgs configuration plus the text `--help` prints) and the environment variables
 * it reads. One source for the parser, `--help` and "did you mean".
 */

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** Placeholder of the value in help (`N`, `URL`, ...), for string options. */
  readonly arg?: string;
  readonly help: string;
}

export interface CommandSpec {
  /** Usage lines without the leading `usage: `. */
  readonly usage: readonly string[];
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Environment variables the command reads, with what they do. */
  readonly env?: Readonly<Record<string, string>>;
  readonly examples?: readonly string[];
}

const URL_OPTIONS = {
  url: {
    type: 'string',
    arg: 'URL',
    help: 'base URL of a running Chainwatch (default: CHAINWATCH_URL, else where `chainwatch start` on the data directory listens, else http://127.0.0.1:8080)',
  },
  token: { type: 'string', arg: 'T', help: 'bearer token (default: CHAINWATCH_TOKEN, else the development token of `chainwatch start` in the data directory)' },
} as const satisfies Record<string, OptionSpec>;

const CLIENT_ENV = {
  CHAINWATCH_URL: 'base URL of the Chainwatch to talk to',
  CHAINWATCH_TOKEN: 'bearer token to send',
  CHAINWATCH_DATA_DIR: 'data directory of a local `chainwatch start` (its URL and development token are read from there; default ./data)',
};

export const COMMAND_SPECS = {
  start: {
    usage: ['chainwatch start [--port N] [--host H] [--quiet | --print-level L] [--webhook URL [--webhook-level L]] [--simulate [--rate N]]'],
    description:
      'Runs everything in one process on embedded defaults: HTTP ingestion, the session processor on an in-process log, the decision API and the trace writer on the embedded ClickHouse engine. Prints one line per new finding or session level change.',
    options: {
      port: { type: 'string', arg: 'N', help: 'port to listen on (default 8080; 0 = any free port)' },
      host: { type: 'string', arg: 'H', help: 'address to listen on (default 127.0.0.1)' },
      quiet: { type: 'boolean', help: 'do not print findings and level changes to the terminal' },
      'print-level': { type: 'string', arg: 'L', help: 'lowest severity printed: low (default), medium, high or critical (a level change is printed when it reaches it)' },
      webhook: { type: 'string', arg: 'URL', help: 'POST findings at or above --webhook-level to this URL (Slack-compatible JSON)' },
      'webhook-level': { type: 'string', arg: 'L', help: 'lowest finding severity sent to the webhook: low, medium, high (default) or critical' },
      simulate: { type: 'boolean', help: 'also run the traffic simulator inside the process' },
      rate: { type: 'string', arg: 'N', help: 'events per second of --simulate (default 50)' },
    },
    env: {
      CHAINWATCH_HOST: 'address to listen on (--host)',
      CHAINWATCH_PORT: 'port to listen on (--port)',
      CHAINWATCH_DATA_DIR: 'data directory (default ./data): embedded ClickHouse files, development token, where this instance listens',
      CHAINWATCH_PRINT_LEVEL: 'lowest severity printed to the terminal (--print-level)',
      CHAINWATCH_WEBHOOK_URL: 'webhook for findings (--webhook)',
      CHAINWATCH_WEBHOOK_MIN_LEVEL: 'lowest severity sent to the webhook (--webhook-level)',
      CLICKHOUSE_URL: 'a ClickHouse server instead of the embedded engine',
      LOG_LEVEL: 'pino log level (default info)',
    },
    examples: ['npm start', 'npm start -- --port 8081', 'CHAINWATCH_DATA_DIR=./data2 npm start -- --port 8082 --quiet'],
  },
  processor: {
    usage: ['chainwatch processor'],
    description: 'Runs the session processor against Kafka: agent.actions in; risk signals, findings and checkpoints out.',
    options: {},
    env: { KAFKA_BROKERS: 'bootstrap brokers (default 127.0.0.1:9092)', PROCESSOR_METRICS_PORT: '/healthz, /readyz, /metrics (default 9465)' },
  },
  'decision-api': {
    usage: ['chainwatch decision-api'],
    description: 'Runs the decision API against Kafka (live view from chainwatch.risk-signals).',
    options: {},
    env: { KAFKA_BROKERS: 'bootstrap brokers', JWT_JWKS_FILE: 'keys that sign bearer tokens (or JWT_JWKS_URL)', CLICKHOUSE_URL: 'investigation endpoints read this server' },
  },
  'trace-writer': {
    usage: ['chainwatch trace-writer'],
    description: 'Runs the trace writer: every agent.actions and chainwatch.* topic into ClickHouse.',
    options: {},
    env: { KAFKA_BROKERS: 'bootstrap brokers', CLICKHOUSE_URL: 'ClickHouse server (unset: the embedded engine under CHAINWATCH_DATA_DIR)' },
  },
  migrate: {
    usage: ['chainwatch migrate'],
    description: 'Applies the ClickHouse migrations in schemas/clickhouse/ (idempotent; `start` does it too).',
    options: {},
    env: { CLICKHOUSE_URL: 'ClickHouse server (unset: the embedded engine under CHAINWATCH_DATA_DIR)', CHAINWATCH_DATA_DIR: 'data directory (default ./data)' },
  },
  replay: {
    usage: ['chainwatch replay FILE [--url URL] [--token T] [--batch-lines N]'],
    description:
      'Sends an NDJSON file of AgentActionEvents to a running Chainwatch (POST /v1/events) in batches, with a progress bar on a terminal, and lists every rejected line with its line number.',
    options: {
      ...URL_OPTIONS,
      'batch-lines': { type: 'string', arg: 'N', help: 'lines per request (default 1000)' },
    },
    env: CLIENT_ENV,
    examples: ['npm run chainwatch -- replay events.ndjson'],
  },
  simulate: {
    usage: ['chainwatch simulate [--target http|kafka] [--url URL] [--token T] [--brokers B] [--rate N] [--count N | --duration S] [--seed S] [--attack-rate R]'],
    description:
      'Generates realistic multi-agent traffic with labelled attack scenarios. Over HTTP it ends with what it injected and what Chainwatch flagged, per scenario.',
    options: {
      target: { type: 'string', arg: 'T', help: 'http (default: POST /v1/events) or kafka (agent.actions)' },
      ...URL_OPTIONS,
      brokers: { type: 'string', arg: 'B', help: 'Kafka bootstrap brokers for --target kafka (default KAFKA_BROKERS or 127.0.0.1:9092)' },
      rate: { type: 'string', arg: 'N', help: 'events per second (default 100)' },
      count: { type: 'string', arg: 'N', help: 'stop after N events (default 1000)' },
      duration: { type: 'string', arg: 'S', help: 'stop after S seconds' },
      seed: { type: 'string', arg: 'S', help: 'same seed, same traffic (default: a fresh one, printed)' },
      'attack-rate': { type: 'string', arg: 'R', help: 'share of traces that are attacks, 0 to 1 (default 0.1)' },
      'no-summary': { type: 'boolean', help: 'do not ask the server what it flagged at the end' },
    },
    env: { ...CLIENT_ENV, KAFKA_BROKERS: 'brokers for --target kafka' },
    examples: ['npm run chainwatch -- simulate --count 2000'],
  },
  rules: {
    usage: ['chainwatch rules validate [PATH...] [--json]'],
    description: 'Loads rule files (files or directories, in order; default the shipped rules) as the engine would and reports every problem with its file, line and rule id.',
    options: { json: { type: 'boolean', help: 'print the result as JSON' } },
  },
  baseline: {
    usage: ['chainwatch baseline build FILE [--out OUT]'],
    description: 'Learns per-agent-type tool-transition baselines (the Markov model of the tool-chaining detector) from an NDJSON file of events.',
    options: { out: { type: 'string', short: 'o', arg: 'OUT', help: 'where to write the baseline (default baseline.json)' } },
  },
  corpus: {
    usage: ['chainwatch corpus --out DIR [--suite S] [--traces N] [--seed S] [--attack-rate R] [--scenarios a,b,...]'],
    description: 'Writes a labelled simulator corpus (DIR/events.ndjson, DIR/labels.ndjson) for `chainwatch eval --events ... --labels ...`.',
    options: {
      out: { type: 'string', arg: 'DIR', help: 'output directory' },
      suite: { type: 'string', arg: 'S', help: 'scenario suite: all (default), default (core + enterprise), core, enterprise or shell' },
      traces: { type: 'string', arg: 'N', help: 'traces to generate (default 1000)' },
      seed: { type: 'string', arg: 'S', help: 'generator seed (default 1)' },
      'attack-rate': { type: 'string', arg: 'R', help: 'share of attack traces, 0 to 1 (default 0.3)' },
      scenarios: { type: 'string', arg: 'a,b', help: 'only these scenarios' },
    },
  },
  eval: {
    usage: [
      'chainwatch eval --dataset DIR [--dataset DIR ...] [options]',
      'chainwatch eval --events FILE --labels FILE [options]',
      'chainwatch eval --dataset DIR --hold-out SUITE [--hold-out SUITE ...]',
    ],
    description: 'Detection and false-positive rates on labelled traces (`npm run eval -- ...`).',
    options: {
      dataset: { type: 'string', multiple: true, arg: 'DIR', help: 'labelled traces in the shared layout (repeatable)' },
      events: { type: 'string', arg: 'FILE', help: 'AgentActionEvent NDJSON, replayed in time order' },
      labels: { type: 'string', arg: 'FILE', help: 'per-session labels for --events' },
      catalog: { type: 'string', arg: 'FILE', help: 'tool catalog YAML' },
      json: { type: 'string', arg: 'OUT', help: 'write the figures as JSON' },
      sessions: { type: 'string', arg: 'OUT', help: 'one NDJSON line per session: flagged, first flagged call, rule ids' },
      'hold-out': { type: 'string', multiple: true, arg: 'SUITE', help: 'leave this suite out: tune the policy weights on the others, report it (repeatable)' },
      rules: { type: 'string', default: 'shipped', arg: 'shipped|off', help: 'run with the shipped rules (default) or none' },
    },
  },
  bench: {
    usage: [
      'chainwatch bench [core|decisions|writer|processor|startup|mcp-proxy|shell] [--json OUT] [--docs FILE] [--events N] [--rows N] [--traces N]',
      '                 [--duration S] [--warmup S] [--rounds N] [--connections N] [--rate N] [--targets bare,chainwatch,opa,cerbos]',
    ],
    description:
      'Benchmarks against same-run baselines (`npm run bench -- ...`, on the built code). With two or more cores, the process under test and the load generator are pinned to cores of their own (taskset). `decisions` compares the decision API with a bare route, OPA and Cerbos (installed on first use under ~/.cache/chainwatch/bench); `processor` starts a broker of its own unless KAFKA_BROKERS is set; `startup` times each service to ready, built against tsx; `processor`, `startup`, `mcp-proxy` and `shell` run only when named.',
    options: {
      json: { type: 'string', arg: 'OUT', help: 'write the figures as JSON' },
      events: { type: 'string', arg: 'N', help: 'events (core, processor)' },
      duration: { type: 'string', arg: 'S', help: 'seconds of each measured slice (decisions; default 10)' },
      warmup: { type: 'string', arg: 'S', help: 'seconds of saturation per target before measuring (decisions; default 60)' },
      rounds: { type: 'string', arg: 'N', help: 'interleaved rounds (decisions, processor, writer; default 3)' },
      connections: { type: 'string', arg: 'N', help: 'connections at saturation (decisions; default 50)' },
      rate: { type: 'string', arg: 'N', help: 'requests per second of the evenly paced slices (decisions; default 2000)' },
      targets: { type: 'string', arg: 'LIST', help: 'decision targets to run (default bare,chainwatch,opa,cerbos)' },
      rows: { type: 'string', arg: 'N', help: 'rows (writer)' },
      docs: { type: 'string', arg: 'FILE', help: 'write the figures into this markdown file (docs/benchmarks.md)' },
      traces: { type: 'string', arg: 'N', help: 'traces of shell traffic (shell)' },
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_SPECS;

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SPECS, name);
}

/** `--help` text of a command (the summary alone when the command has no spec). */
export function renderCommandHelp(name: string, summary: string): string {
  const spec: CommandSpec | undefined = isCommandName(name) ? COMMAND_SPECS[name] : undefined;
  if (!spec) return [`usage: chainwatch ${name} [options]`, '', summary].join('\n');
  const lines = spec.usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`);
  lines.push('', wrap(spec.description, 100));
  const options = Object.entries(spec.options).map(([flag, o]: [string, OptionSpec]) => ({
    left: `${o.short ? `-${o.short}, ` : ''}--${flag}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`,
    help: o.help,
  }));
  options.push({ left: '-h, --help', help: 'show this help' });
  lines.push('', 'options:', ...table(options.map((o) => [o.left, o.help])));
  if (spec.env && Object.keys(spec.env).length > 0) lines.push('', 'environment:', ...table(Object.entries(spec.env)));
  if (spec.examples && spec.examples.length > 0) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(28, Math.max(...rows.map(([l]) => l.length)));
  return rows.map(([left, right]) => (left.length > width ? `  ${left}\n  ${' '.repeat(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`));
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}
