/**
 * `chainwatch eval`: detection and flag rates, in two modes.
 *
 *   --dataset DIR [--dataset DIR ...]   labelled traces in the shared layout (calls, sessions, labels)
 *   --events FILE --labels FILE         AgentActionEvent NDJSON replayed in time order (each action
 *                                       assessed before it is observed) and per-session labels
 *
 * Both take --catalog FILE, --rules shipped|off, --json OUT and --sessions OUT (one NDJSON line per
 * session: flagged, index of the first flagged call, rule ids).
 */
import { createDetectionEngine, loadDefaultPolicy, loadToolCatalog } from '@chainwatch/core';
import { writeFileSync } from 'node:fs';
import { NdjsonError, formatHoldOut, holdOut, runEval, runEventsEval } from '@chainwatch/eval';
import { loadShellPort } from '@chainwatch/shell';
import { UsageError } from '../usage-error';
import { wantsHelp } from '../help-flags';
import { parseCliArgs } from './cli-args';
import { assertInputFile } from './input-file';

export const EVAL_USAGE = [
  'usage: chainwatch eval --dataset DIR [--dataset DIR ...] [options]',
  '       chainwatch eval --events FILE --labels FILE [options]',
  '       chainwatch eval --dataset DIR --hold-out SUITE [--hold-out SUITE ...]   (weights tuned on the other suites)',
  'options: --catalog FILE  --rules shipped|off  --json OUT  --sessions OUT',
].join('\n');

export async function evalMain(
  argv: readonly string[],
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (message: string) => void = (m) => process.stderr.write(m),
): Promise<number> {
  if (wantsHelp(argv)) {
    log(EVAL_USAGE);
    return 0;
  }
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseCliArgs([...argv], 'eval'));
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 2;
  }
  if (positionals.length > 0) {
    err(`unexpected argument '${positionals[0] ?? ''}' (chainwatch eval --help)\n`);
    return 2;
  }
  const datasets = values.dataset ?? [];
  const eventsMode = values.events !== undefined || values.labels !== undefined;
  if (eventsMode && datasets.length > 0) {
    err(`give either --dataset or --events with --labels, not both\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (eventsMode && (values.events === undefined || values.labels === undefined)) {
    err(`--events and --labels go together\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (!eventsMode && datasets.length === 0) {
    err(`${EVAL_USAGE}\n`);
    return 2;
  }
  if (values.rules !== 'shipped' && values.rules !== 'off') {
    err(`--rules must be 'shipped' or 'off'\n${EVAL_USAGE}\n`);
    return 2;
  }
  const corpusHint = 'give an NDJSON file; `chainwatch corpus --out DIR` writes a labelled simulator corpus (DIR/events.ndjson, DIR/labels.ndjson)';
  if (values.events !== undefined) assertInputFile(values.events, 'an NDJSON file', corpusHint);
  if (values.labels !== undefined) assertInputFile(values.labels, 'an NDJSON file', corpusHint);
  if (values.catalog !== undefined) assertInputFile(values.catalog, 'a tool catalog', 'give a tool catalog YAML file, like shared/core/policy/catalog.yaml');
  const common = {
    ...(values.json !== undefined ? { json: values.json } : {}),
    ...(values.sessions !== undefined ? { sessions: values.sessions } : {}),
    log,
  };
  const hidden = values['hold-out'] ?? [];
  if (hidden.length > 0 && (eventsMode || datasets.length !== 1)) {
    err(`--hold-out takes exactly one --dataset\n${EVAL_USAGE}\n`);
    return 2;
  }
  // Shell-like tools are judged by what their commands do, as in the services.
  const shell = await loadShellPort();
  try {
    if (hidden.length > 0) {
      const catalog = values.catalog !== undefined ? loadToolCatalog(values.catalog) : undefined;
      const results = hidden.map((suite) => holdOut(datasets[0]!, suite, { ...(catalog !== undefined ? { catalog } : {}), shell, progress: log }));
      for (const r of results) for (const line of formatHoldOut(r)) log(line);
      if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
      return 0;
    }
    if (eventsMode) {
      const shipped = loadDefaultPolicy();
      const engine = createDetectionEngine({
        policy: shipped.policy,
        ...(values.catalog !== undefined ? { catalog: loadToolCatalog(values.catalog) } : {}),
        ...(values.rules === 'shipped' ? { rules: shipped.rules } : {}),
        shell,
      });
      runEventsEval({ events: values.events ?? '', labels: values.labels ?? '', engine, ...common });
    } else {
      runEval({
        ...(values.rules === 'off' ? { rules: null } : {}),
        datasets,
        shell,
        ...(values.catalog !== undefined ? { catalog: values.catalog } : {}),
        ...common,
      });
    }
  } catch (e) {
    if (e instanceof RangeError && hidden.length > 0) {
      err(`eval: ${e.message}\n`);
      return 1;
    }
    if (e instanceof NdjsonError) {
      err(`eval: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return 0;
}

/** Entry for `chainwatch eval` (main.ts): usage errors become UsageError (exit 2). */
export async function runEvalCli(argv: readonly string[]): Promise<number> {
  let usage = '';
  const code = await evalMain(argv, undefined, (m) => (usage += m));
  if (code === 2) throw new UsageError(usage.trim());
  if (code === 1) process.stderr.write(usage);
  return code;
}
