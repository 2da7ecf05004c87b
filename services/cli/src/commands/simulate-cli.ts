import { UsageError } from '../usage-error';
import { intOption, parseCliArgs } from './cli-args';
import { resolveToken } from './dev-token';

const USAGE =
  'usage: chainwatch simulate [--target http|kafka] [--url U] [--token T] [--brokers B] [--rate N] [--count N | --duration S] [--seed S] [--attack-rate R]';

export async function runSimulateCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    {
      target: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      brokers: { type: 'string' },
      rate: { type: 'string' },
      count: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      'attack-rate': { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(USAGE);
  const target = values.target ?? 'http';
  if (target !== 'http' && target !== 'kafka') throw new UsageError(`--target must be http or kafka\n${USAGE}`);
  const attackRate = values['attack-rate'] !== undefined ? Number(values['attack-rate']) : 0.1;
  if (!(attackRate >= 0 && attackRate <= 1)) throw new UsageError('--attack-rate must be between 0 and 1');
  const duration = values.duration !== undefined ? intOption('duration', values.duration, 0) : undefined;
  const count = values.count !== undefined ? intOption('count', values.count, 0) : duration === undefined ? 1000 : undefined;
  const { runSimulate } = await import('./simulate');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const summary = await runSimulate({
    target,
    ...(target === 'http'
      ? { url: values.url ?? process.env.CHAINWATCH_URL ?? 'http://127.0.0.1:8080', token: resolveToken(values.token) }
      : { brokers: (values.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') }),
    rate: intOption('rate', values.rate, 100),
    ...(count !== undefined ? { count } : {}),
    ...(duration !== undefined ? { durationSec: duration } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    attackRate,
    log: (line) => console.log(line),
    signal: abort.signal,
  });
  return summary.sent > 0 ? 0 : 1;
}
