import { BrokerListText, DEFAULT_BROKERS } from '@chainwatch/runtime';
import { UsageError } from '../usage-error';
import { assertReachable, locateServer } from '../instance/server-locator';
import { intOption, parseCliArgs } from './cli-args';
import { resolveToken } from './dev-token';
import { InjectionLedger, collectVerdicts, formatVerdicts } from './simulate-verdicts';

export async function runSimulateCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, 'simulate');
  if (positionals.length > 0) throw new UsageError(`simulate takes no arguments, got '${positionals[0] ?? ''}' (chainwatch simulate --help)`);
  const target = values.target ?? 'http';
  if (target !== 'http' && target !== 'kafka') throw new UsageError(`--target must be http or kafka, got '${target}' (chainwatch simulate --help)`);
  const attackRate = values['attack-rate'] !== undefined ? Number(values['attack-rate']) : 0.1;
  if (!(attackRate >= 0 && attackRate <= 1)) throw new UsageError('--attack-rate must be between 0 and 1');
  const duration = values.duration !== undefined ? intOption('duration', values.duration, 0) : undefined;
  const count = values.count !== undefined ? intOption('count', values.count, 0) : duration === undefined ? 1000 : undefined;
  // Over HTTP the server is the target; over Kafka it is asked for verdicts only when named.
  const server = target === 'http' || values.url !== undefined || process.env.CHAINWATCH_URL ? locateServer(values.url) : null;
  if (server) await assertReachable(server);
  const token = resolveToken(values.token);
  const ledger = values['no-summary'] === true || !server ? null : new InjectionLedger();
  const { runSimulate } = await import('./simulate');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const summary = await runSimulate({
    target,
    ...(target === 'http'
      ? { url: server?.url ?? '', token }
      : { brokers: brokersOf(values.brokers) }),
    rate: intOption('rate', values.rate, 100),
    ...(count !== undefined ? { count } : {}),
    ...(duration !== undefined ? { durationSec: duration } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    attackRate,
    log: (line) => console.log(line),
    signal: abort.signal,
    ...(ledger ? { onTrace: (t) => ledger.onTrace(t), onSent: (events) => ledger.onSent(events) } : {}),
  });
  if (ledger && server && summary.sent > 0) {
    try {
      const verdicts = await collectVerdicts(ledger, { url: server.url, token });
      for (const line of formatVerdicts(verdicts, server.url)) console.log(line);
    } catch (err) {
      console.log(`simulate: could not ask ${server.url} what it flagged: ${(err as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  return summary.sent > 0 ? 0 : 1;
}

/** --brokers, else KAFKA_BROKERS, else the local broker: the same parser as every service's KAFKA_BROKERS. */
function brokersOf(flag: string | undefined): string[] {
  const given = flag ?? process.env.KAFKA_BROKERS;
  const parsed = BrokerListText.safeParse(given ?? DEFAULT_BROKERS.join(','));
  if (parsed.success) return parsed.data;
  const where = flag !== undefined ? '--brokers' : 'KAFKA_BROKERS';
  throw new UsageError(`${where}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(given)})`);
}
