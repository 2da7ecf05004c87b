import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChainwatchError } from '@chainwatch/runtime';

/**
 * A file named on the command line, checked before any work: a missing file, a directory or an
 * unreadable path is one line naming the path as given and as resolved, with what to do.
 */
export function assertInputFile(path: string, what: string, hint: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code ?? 'error'})`;
    throw new ChainwatchError('CW_FILE_NOT_FOUND', `${path} ${reason}${absolute(path)}; ${hint}`, { cause: err });
  }
  if (!isFile) throw new ChainwatchError('CW_FILE_NOT_FOUND', `${path} is a directory, not ${what}${absolute(path)}; ${hint}`);
}

function absolute(path: string): string {
  const full = resolve(path);
  return full === path ? '' : ` (looked at ${full})`;
}
