/**
 * The load generator's process: `node load-generator.js SPEC_JSON` runs one load (http-load.ts)
 * and prints its result as one JSON line. The bench starts it pinned to a core of its own.
 */
import { runLoad, type LoadSpec } from './load/http-load';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
runLoad(spec).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`load generator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
