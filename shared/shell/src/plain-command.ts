/**
 * Commands with no shell syntax at all: one line of plain words (letters, digits and
 * `_ - . / : @ % + , = ~`) separated by spaces. For these the shell's own rule is that the words
 * are the argv of one simple command, so the grammar is not needed: `git status`, `npm test`,
 * `kubectl get pods -n prod`, `cat src/app.ts`. Anything else (quotes, `$`, redirections,
 * operators, globs, comments, a leading assignment or reserved word, a newline) goes to the parser.
 */
const PLAIN = /^[A-Za-z0-9_\-./:@%+,=~ ]+$/;

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in', '!', '{', '}', '[[', ']]']);

/** The argv of a plain command line, or null when it needs the parser. */
export function plainArgv(command: string): string[] | null {
  if (command.length > 512 || !PLAIN.test(command)) return null;
  const words = command.split(' ').filter((w) => w !== '');
  const first = words[0];
  if (first === undefined || RESERVED.has(first) || first.includes('=')) return null;
  return words;
}
