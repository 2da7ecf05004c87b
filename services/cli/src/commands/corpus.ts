/**
 * `chainwatch corpus --out DIR [--suite NAME] [--traces N] [--seed S] [--attack-rate R] [--scenarios a,b]`:
 * writes a labelled simulator corpus (DIR/events.ndjson, DIR/labels.ndjson) for
 * `chainwatch eval --events DIR/events.ndjson --labels DIR/labels.ndjson`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus, suiteScenarios } from '@chainwatch/simulator';
import { UsageError } from '../usage-error';
import { intOption, parseCliArgs } from './cli-args';

const USAGE = 'usage: chainwatch corpus --out DIR [--suite all|core|...] [--traces N] [--seed S] [--attack-rate R] [--scenarios a,b,...]';

export async function runCorpusCli(argv: string[], log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, 'corpus');
  if (positionals.length > 0 || values.out === undefined) throw new UsageError(USAGE);
  const attackRate = values['attack-rate'] !== undefined ? Number(values['attack-rate']) : 0.3;
  if (!(attackRate >= 0 && attackRate <= 1)) throw new UsageError('--attack-rate must be between 0 and 1');
  const scenarios = values.scenarios?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known = suiteScenarios('all');
  for (const s of scenarios ?? []) if (!known.includes(s)) throw new UsageError(`unknown scenario '${s}'; known: ${known.join(', ')}`);
  if (values.suite !== undefined && suiteScenarios(values.suite).length === 0) throw new UsageError(`no scenario belongs to suite '${values.suite}'`);
  const traces = intOption('traces', values.traces, 1000);
  const seed = values.seed ?? 1;
  const corpus = generateCorpus({
    seed,
    traces,
    attackRate,
    ...(values.suite !== undefined ? { suite: values.suite } : {}),
    ...(scenarios !== undefined ? { scenarios } : {}),
  });
  mkdirSync(values.out, { recursive: true });
  const nd = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : '');
  writeFileSync(join(values.out, 'events.ndjson'), nd(corpus.events));
  writeFileSync(join(values.out, 'labels.ndjson'), nd(corpus.labels));
  const positives = corpus.labels.filter((l) => l.positive).length;
  log(`corpus: ${traces} traces (seed ${seed}), ${corpus.events.length} events, ${corpus.labels.length} sessions (${positives} positive) → ${values.out}/events.ndjson, labels.ndjson`);
  return 0;
}
