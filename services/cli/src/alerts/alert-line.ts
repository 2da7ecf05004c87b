/**
 * One terminal line per alert, like Falco's alert output:
 *
 *   14:02:07.311 CRITICAL sess-7f3a  exfil.secret_to_external: secret data read by vault.read sent to evil.example
 *   14:02:07.315 HIGH     sess-7f3a  level medium -> high (score 72, step_up; top: exfil.secret_to_external)
 *
 * Level in colour on a terminal (NO_COLOR turns it off, FORCE_COLOR on), plain otherwise.
 */
import type { Alert } from './alert';
import { printable } from './alert';

const COLORS: Record<Alert['level'], string> = {
  low: '\x1b[36m', // cyan
  medium: '\x1b[33m', // yellow
  high: '\x1b[31m', // red
  critical: '\x1b[1;97;41m', // bold white on red
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function formatAlert(alert: Alert, color: boolean): string {
  const time = clock(alert.ts);
  const level = alert.level.toUpperCase().padEnd(8);
  const session = printable(alert.session_id, 64);
  const text =
    alert.kind === 'finding'
      ? `${printable(alert.rule_id, 80)}: ${printable(alert.message, 160)}`
      : `level ${alert.from ?? 'low'} -> ${alert.level} (score ${Math.round(alert.score)}, ${alert.decision}${alert.rule_id ? `; top: ${printable(alert.rule_id, 80)}` : ''})`;
  if (!color) return `${time} ${level} ${session}  ${text}`;
  return `${DIM}${time}${RESET} ${COLORS[alert.level]}${level.trimEnd()}${RESET}${' '.repeat(level.length - level.trimEnd().length)} ${session}  ${text}`;
}

/** HH:MM:SS.mmm in local time (the operator's clock, like Falco). */
function clock(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
