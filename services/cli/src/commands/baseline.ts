/**
 * `chainwatch baseline build FILE [--out OUT]`: learns per-agent-type tool-transition matrices
 * (the Markov model of the tool-chaining detector) from an NDJSON file of AgentActionEvents,
 * and writes them as a baseline the engine loads with `createDetectionEngine({ baseline })`.
 * Invalid lines are counted and skipped, never fatal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Baseline } from '@chainwatch/core';
import { type BaselineBuild, buildBaselineFromText } from '@chainwatch/eval';
import { UsageError } from '../usage-error';
import { parseCliArgs } from './cli-args';
import { assertInputFile } from './input-file';

export const BASELINE_USAGE = 'usage: chainwatch baseline build FILE [--out OUT]';

/** Baseline JSON (per-agent-type transition matrices) learned from an NDJSON file of events. */
export function buildBaseline(ndjsonFile: string): Baseline {
  return buildBaselineWithStats(ndjsonFile).baseline;
}

export function buildBaselineWithStats(ndjsonFile: string): BaselineBuild {
  return buildBaselineFromText(readFileSync(ndjsonFile, 'utf8'), new Date().toISOString());
}

/** Reads and validates a baseline file written by `baseline build`. */
export function loadBaseline(file: string): Baseline {
  const parsed = Baseline.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: invalid baseline: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown error'}`);
  }
  return parsed.data;
}

export async function runBaselineCli(argv: readonly string[], log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const parsed = parseCliArgs([...argv], 'baseline');
  const [sub, file] = parsed.positionals;
  if (sub !== 'build' || file === undefined) throw new UsageError(`${BASELINE_USAGE} (chainwatch baseline --help)`);
  assertInputFile(file, 'an NDJSON file', 'give an NDJSON file of AgentActionEvents (`chainwatch corpus --out DIR` writes one)');
  const out = parsed.values.out ?? 'baseline.json';
  const r = buildBaselineWithStats(file);
  writeFileSync(out, `${JSON.stringify(r.baseline)}\n`);
  const types = Object.entries(r.baseline.agent_types).map(([t, m]) => `${t} (${m.tools.length - 1} tools, ${m.sessions} sessions)`);
  log(`baseline: ${r.events} events, ${r.sessions} sessions, ${r.invalid} invalid lines skipped → ${out}`);
  if (types.length > 0) log(`  agent types: ${types.join(', ')}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runBaselineCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
