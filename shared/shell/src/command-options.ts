/**
 * getopt-style reading of one command's arguments, from a per-command spec of which options take
 * a value, so operands (hosts, URLs, paths) are told apart from option values.
 */
import { DYNAMIC, type Word } from './word-value';

export interface OptionSpec {
  /** Short options that take a value (`-o FILE`, `-oFILE`), as one string of letters. */
  readonly shortWithValue?: string;
  /** Long options that take a value (`--output FILE`, `--output=FILE`), without dashes. */
  readonly longWithValue?: readonly string[];
  /** Options end at the first operand (POSIX; wrappers such as sudo, and ssh). Default: GNU, options anywhere. */
  readonly stopAtOperand?: boolean;
  /** Single-dash long options that take a value (`-name X` of find, `-in F` of openssl). */
  readonly singleDashWithValue?: readonly string[];
}

export interface ParsedOption {
  /** Letter of a short option or name of a long one, without dashes. */
  readonly name: string;
  readonly value: Word | null;
  /** Index in argv of the word that carried the option. */
  readonly index: number;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  readonly operands: readonly Word[];
  /** argv index of each operand. */
  readonly operandIndexes: readonly number[];
  /** With stopAtOperand: argv index of the first operand (argv.length when none). */
  readonly stop: number;
}

function part(w: Word, value: string): Word {
  return { text: value, value, literal: !value.includes(DYNAMIC), subs: w.subs, processSubstitution: false };
}

/** Reads argv[from…]; argv[0] is the command itself and is never read. */
export function parseArgs(argv: readonly Word[], spec: OptionSpec, from = 1): ParsedArgs {
  const shortV = spec.shortWithValue ?? '';
  const longV = spec.longWithValue ?? [];
  const singleV = spec.singleDashWithValue ?? [];
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  const operandIndexes: number[] = [];
  let stop = argv.length;
  for (let i = from; i < argv.length; i++) {
    const w = argv[i] as Word;
    const v = w.value;
    if (v === '--') {
      for (let j = i + 1; j < argv.length; j++) {
        operands.push(argv[j] as Word);
        operandIndexes.push(j);
      }
      if (spec.stopAtOperand) stop = i + 1;
      break;
    }
    const isOption = !w.processSubstitution && v.length > 1 && v.startsWith('-');
    if (!isOption) {
      if (spec.stopAtOperand) {
        stop = i;
        for (let j = i; j < argv.length; j++) {
          operands.push(argv[j] as Word);
          operandIndexes.push(j);
        }
        break;
      }
      operands.push(w);
      operandIndexes.push(i);
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      if (eq >= 0) options.push({ name, value: part(w, v.slice(eq + 1)), index: i });
      else if (longV.includes(name) && i + 1 < argv.length) options.push({ name, value: argv[++i] as Word, index: i - 1 });
      else options.push({ name, value: null, index: i });
      continue;
    }
    const single = v.slice(1);
    if (singleV.includes(single)) {
      options.push({ name: single, value: i + 1 < argv.length ? (argv[++i] as Word) : null, index: i - 1 });
      continue;
    }
    // A cluster of short options: -xvf FILE, -oFILE.
    for (let k = 1; k < v.length; k++) {
      const letter = v[k] as string;
      if (shortV.includes(letter)) {
        const rest = v.slice(k + 1);
        if (rest !== '') options.push({ name: letter, value: part(w, rest), index: i });
        else if (i + 1 < argv.length) options.push({ name: letter, value: argv[++i] as Word, index: i - 1 });
        else options.push({ name: letter, value: null, index: i });
        break;
      }
      options.push({ name: letter, value: null, index: i });
    }
  }
  return { options, operands, operandIndexes, stop };
}

export const hasOption = (p: ParsedArgs, ...names: string[]): boolean => p.options.some((o) => names.includes(o.name));

export function optionValues(p: ParsedArgs, ...names: string[]): Word[] {
  const out: Word[] = [];
  for (const o of p.options) if (o.value !== null && names.includes(o.name)) out.push(o.value);
  return out;
}
