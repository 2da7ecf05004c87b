#!/usr/bin/env node
/**
 * chainwatch: one binary for every Chainwatch job. Each command module is imported only when
 * used, so `chainwatch rules validate` does not load Kafka or ClickHouse.
 */
import { renderCommandHelp } from './command-spec';
import { errorLine } from './error-line';
import { closestMatch } from './did-you-mean';
import { UsageError } from './usage-error';
import { versionLine, wantsHelp, wantsVersion } from './help-flags';

interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number | void>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run everything in one process on embedded defaults (HTTP ingestion, in-process log, embedded ClickHouse)',
    run: async (argv) => (await import('./commands/start')).runStart(argv),
  },
  processor: {
    summary: 'run the session-processor against Kafka',
    run: async (argv) => (await import('./commands/services')).processorCommand(argv),
  },
  'decision-api': {
    summary: 'run the decision API against Kafka',
    run: async (argv) => (await import('./commands/services')).decisionApiCommand(argv),
  },
  'trace-writer': {
    summary: 'run the trace-writer (Kafka to ClickHouse)',
    run: async (argv) => (await import('./commands/services')).traceWriterCommand(argv),
  },
  migrate: {
    summary: 'apply the ClickHouse migrations',
    run: async (argv) => (await import('./commands/migrate')).runMigrate(argv),
  },
  replay: {
    summary: 'replay an NDJSON file of events into a running Chainwatch (POST /v1/events)',
    run: async (argv) => (await import('./commands/replay-cli')).runReplayCli(argv),
  },
  simulate: {
    summary: 'generate realistic agent traffic with attack scenarios, to Kafka or HTTP',
    run: async (argv) => (await import('./commands/simulate-cli')).runSimulateCli(argv),
  },
  rules: {
    summary: 'rules validate [PATH...]: validate rule files',
    run: async (argv) => {
      if (argv[0] !== 'validate') throw new UsageError('usage: chainwatch rules validate [PATH...]');
      return (await import('./commands/rules-validate')).runRulesValidate(argv.slice(1));
    },
  },
  baseline: {
    summary: 'baseline build FILE [--out OUT]: learn tool-transition baselines from NDJSON events',
    run: async (argv) => (await import('./commands/baseline')).runBaselineCli(argv),
  },
  corpus: {
    summary: 'corpus --out DIR [--suite S] [--traces N] [--seed S]: write a labelled simulator corpus (events + labels NDJSON)',
    run: async (argv) => (await import('./commands/corpus')).runCorpusCli(argv),
  },
  eval: {
    summary: 'eval --dataset DIR | --events FILE --labels FILE [--json OUT] [--sessions OUT]: detection and flag rates on labelled traces',
    run: async (argv) => (await import('./commands/eval')).runEvalCli(argv),
  },
  keys: {
    summary: 'keys init [--dir DIR] [--issuer I] [--audience A]: a token signing key (JWKS + private key, 0600) for deployments without an IdP',
    run: async (argv) => (await import('./commands/keys')).runKeysCli(argv),
  },
  token: {
    summary: 'token --role ROLE[,ROLE] --sub SUBJECT --ttl DURATION: sign a bearer token with the key of keys init',
    run: async (argv) => (await import('./commands/keys')).runTokenCli(argv),
  },
  'mcp-proxy': {
    summary: 'mcp-proxy (--upstream-url URL | -- COMMAND ARGS): MCP gateway enforcing Chainwatch decisions on tools/call',
    run: async (argv) => (await import('./commands/mcp-proxy')).runMcpProxyCli(argv),
  },
  bench: {
    summary: 'bench [core|decisions|writer|processor|mcp-proxy] [--json OUT]: benchmarks against same-run baselines',
    run: async (argv) => (await import('./commands/bench-cli')).runBenchCli(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: chainwatch <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (wantsVersion(argv)) {
    console.log(versionLine());
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) console.log(renderCommandHelp(topic, COMMANDS[topic].summary));
    else console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    const suggestion = closestMatch(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (chainwatch --help lists the commands)`);
  }
  if (wantsHelp(rest)) {
    console.log(renderCommandHelp(name, command.summary));
    return 0;
  }
  const code = await command.run(rest);
  return typeof code === 'number' ? code : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    // One line with its code, whatever failed; the stack of an unexpected failure only when asked for.
    const { code, line, exitCode } = errorLine(error);
    console.error(line);
    if (code === 'CW_INTERNAL' && /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')) console.error(error);
    process.exitCode = exitCode;
  },
);
