/**
 * Code that a command installs rather than runs now: crontab lines (`… | crontab -`) and lines
 * written into shell start-up files (`echo … >> ~/.bashrc`, `… | tee -a ~/.profile`). It runs
 * later, on a schedule or at the next login, so it is analysed like code run now (one level
 * deeper), and its hosts, URLs and paths join the analysis.
 */
import { hasOption, parseArgs } from './command-options';
import type { Invocation } from './invocation';
import { normalisePath } from './normalise';
import { persistenceClassOf } from './sensitive-paths';

/** Where installed text is shell code that will run. */
const CODE_LOCATIONS = new Set(['shell_rc', 'init_script', 'git_hook']);

/** The command part of each crontab line (schedule fields, and comments and variables, dropped). */
export function cronCommands(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) continue;
    const fields = line.split(/\s+/);
    const skip = fields[0]?.startsWith('@') ? 1 : 5;
    const cmd = fields.slice(skip).join(' ');
    if (cmd !== '') out.push(cmd);
  }
  return out;
}

/** Whether the command installs its standard input as a crontab (`crontab`, `crontab -`, `crontab -u u -`). */
export function installsCrontabFromStdin(inv: Invocation): boolean {
  if (inv.name !== 'crontab') return false;
  const p = parseArgs(inv.argv, { shortWithValue: 'us' });
  if (hasOption(p, 'l', 'r', 'e', 'T', 'V')) return false;
  const file = p.operands[0];
  return file === undefined || file.value === '-';
}

/** Whether a path written to is a place whose content is shell code run later. */
export function isCodeLocation(path: string): boolean {
  const cls = persistenceClassOf(normalisePath(path));
  return cls !== null && CODE_LOCATIONS.has(cls);
}

/** `tee [-a] FILE…` writing a code location. */
export function teesIntoCodeLocation(inv: Invocation): boolean {
  if (inv.name !== 'tee') return false;
  return inv.argv.slice(1).some((w) => !w.value.startsWith('-') && isCodeLocation(w.value));
}
