/** Runs the evaluation from the command line: tsx test/eval/main.ts --dataset DIR [--catalog FILE] [--json OUT] */
import { evalMain } from '../../services/cli/src/commands/eval';

process.exitCode = evalMain(process.argv.slice(2));
