/**
 * `chainwatch eval --dataset DIR [--dataset DIR ...] [--catalog FILE] [--json OUT] [--rules shipped|off]`:
 * replays labelled datasets through the detection core and prints detection and flag rates.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runEval } from '@chainwatch/eval';
import { UsageError } from '../usage-error';

export const EVAL_USAGE = 'usage: chainwatch eval --dataset DIR [--dataset DIR ...] [--catalog FILE] [--json OUT] [--rules shipped|off]';

export function evalMain(
  argv: readonly string[],
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (message: string) => void = (m) => process.stderr.write(m),
): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dataset: { type: 'string', multiple: true },
        catalog: { type: 'string' },
        json: { type: 'string' },
        rules: { type: 'string', default: 'shipped' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    err(`${(e as Error).message}\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (values.help === true || values.dataset === undefined || values.dataset.length === 0) {
    err(`${EVAL_USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  if (values.rules !== 'shipped' && values.rules !== 'off') {
    err(`--rules must be 'shipped' or 'off'\n${EVAL_USAGE}\n`);
    return 2;
  }
  runEval({
    ...(values.rules === 'off' ? { rules: null } : {}),
    datasets: values.dataset,
    ...(values.catalog !== undefined ? { catalog: values.catalog } : {}),
    ...(values.json !== undefined ? { json: values.json } : {}),
    log,
  });
  return 0;
}

/** Entry for `chainwatch eval` (main.ts): usage errors become UsageError (exit 2). */
export async function runEvalCli(argv: readonly string[]): Promise<number> {
  let usage = '';
  const code = evalMain(argv, undefined, (m) => (usage += m));
  if (code === 2) throw new UsageError(usage.trim());
  return code;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = evalMain(process.argv.slice(2));
}
