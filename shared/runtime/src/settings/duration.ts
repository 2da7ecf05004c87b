import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;

/**
 * A duration in milliseconds from `250ms`, `90s`, `15m`, `12h`, `30d`, or a bare integer in
 * `bareUnit` (milliseconds for `*_MS` variables, seconds for `*_S` ones and `--ttl`). Null when
 * the text is none of these.
 */
export function parseDurationMs(text: string, bareUnit: 'ms' | 's' = 'ms'): number | null {
  const m = DURATION.exec(text.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * UNIT_MS[(m[2] as Unit | undefined) ?? bareUnit];
  return Number.isSafeInteger(ms) ? ms : null;
}

/** `900000` → `15m`, `1500` → `1500ms`: the largest unit that divides it exactly. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms > 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}

/**
 * A duration setting, in `unit` (what the program reads: ms or whole seconds), between `min` and
 * `max`. Accepts a bare number in that unit (the form every `*_MS` / `*_S` variable always took)
 * or a number with a unit (`15m`).
 */
export function durationSetting(options: { unit: 'ms' | 's'; min: number; max?: number }) {
  const { unit, min, max } = options;
  const per = unit === 'ms' ? 1 : 1000;
  const range = `between ${formatDuration(min * per)} and ${max === undefined ? 'any length' : formatDuration(max * per)}`;
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = typeof value === 'number' ? value * per : parseDurationMs(value, unit);
    if (ms === null || !Number.isInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: `must be a duration: ${unit === 'ms' ? 'milliseconds (1500)' : 'seconds (90)'} or with a unit (90s, 15m, 12h, 30d)` });
      return z.NEVER;
    }
    if (ms % per !== 0) {
      ctx.addIssue({ code: 'custom', message: 'must be whole seconds' });
      return z.NEVER;
    }
    const n = ms / per;
    if (n < min || (max !== undefined && n > max)) {
      ctx.addIssue({ code: 'custom', message: `must be ${range}` });
      return z.NEVER;
    }
    return n;
  });
}
