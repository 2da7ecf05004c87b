/**
 * Progress of a long job on the terminal: a bar redrawn in place on a TTY, plain lines (at most
 * one per interval) otherwise, so logs and CI output stay readable.
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressState {
  /** Work done and total, in the same unit (bytes of a file). Total 0 = unknown. */
  readonly done: number;
  readonly total: number;
  /** Text after the bar: counts, rate. */
  readonly detail: string;
}

/** `[=========>          ]  45%` for a fraction, `width` characters between the brackets. */
export function renderBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * width);
  const head = filled < width && f > 0 ? '>' : '';
  const bar = '='.repeat(filled) + head + ' '.repeat(Math.max(0, width - filled - head.length));
  return `[${bar}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export class ProgressReporter {
  private drawn = false;
  private lastPlain = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: { readonly label: string; readonly plainIntervalMs?: number; readonly now?: () => number } = { label: 'progress' },
  ) {}

  get tty(): boolean {
    return this.stream.isTTY === true;
  }

  update(state: ProgressState): void {
    if (this.tty) {
      // A terminal that reports no size (0, e.g. under script(1)) is taken as 80 columns.
      const columns = this.stream.columns !== undefined && this.stream.columns >= 20 ? this.stream.columns : 80;
      const line = `${this.options.label} ${state.total > 0 ? `${renderBar(state.done / state.total, 24)} ` : ''}${state.detail}`;
      // Clear to the end of the line: the new text may be shorter than the last.
      this.stream.write(`\r${line.slice(0, Math.max(10, columns - 1))}\x1b[K`);
      this.drawn = true;
      return;
    }
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastPlain < (this.options.plainIntervalMs ?? 1000)) return;
    this.lastPlain = now;
    const pct = state.total > 0 ? ` (${Math.floor((Math.min(state.done, state.total) / state.total) * 100)}%)` : '';
    this.stream.write(`${this.options.label}${pct} ${state.detail}\n`);
  }

  /** Ends the bar's line (TTY) so the next output starts on its own line. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
