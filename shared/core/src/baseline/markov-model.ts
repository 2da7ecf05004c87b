/**
 * Markov model of tool-to-tool transitions per agent type, kept as count matrices (ml-matrix).
 * surprise(prev → next) = -log P(next | prev) with add-alpha smoothing over the tools the model
 * knows (plus one slot for "never seen"). Learned online from observed events and loadable from
 * a baseline built offline (`chainwatch baseline build`). Bounded: at most `maxTools` tools per
 * agent type; tools past the cap share the last row/column.
 */
import { Matrix } from 'ml-matrix';
import { z } from 'zod';

export const BaselineModel = z
  .object({
    tools: z.array(z.string().min(1).max(256)).max(4096),
    /** counts[i][j] = transitions tools[i] → tools[j]; row 0 is the session start. */
    counts: z.array(z.array(z.number().nonnegative())),
    sessions: z.number().int().nonnegative().default(0),
  })
  .strict();
export type BaselineModel = z.infer<typeof BaselineModel>;

export const Baseline = z
  .object({
    version: z.literal(1),
    built_at: z.string().max(64).optional(),
    agent_types: z.record(z.string().min(1).max(256), BaselineModel),
  })
  .strict();
export type Baseline = z.infer<typeof Baseline>;

export const START = '<start>';

export class TransitionModel {
  private readonly index = new Map<string, number>();
  private readonly tools: string[] = [];
  private counts: Matrix;
  private rowSums: number[] = [];
  sessions = 0;

  constructor(
    private readonly maxTools = 128,
    private readonly alpha = 0.5,
  ) {
    this.counts = new Matrix(8, 8);
    this.idx(START);
  }

  static fromBaseline(m: BaselineModel, maxTools = 128, alpha = 0.5): TransitionModel {
    const model = new TransitionModel(maxTools, alpha);
    const ids = m.tools.map((t) => model.idx(t));
    m.counts.forEach((row, i) => {
      row.forEach((c, j) => {
        const a = ids[i];
        const b = ids[j];
        if (a !== undefined && b !== undefined && c > 0) model.add(a, b, c);
      });
    });
    model.sessions = m.sessions;
    return model;
  }

  toBaseline(): BaselineModel {
    const n = this.tools.length;
    const counts: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row: number[] = [];
      for (let j = 0; j < n; j++) row.push(this.counts.get(i, j));
      counts.push(row);
    }
    return { tools: [...this.tools], counts, sessions: this.sessions };
  }

  get size(): number {
    return this.tools.length;
  }

  private idx(tool: string): number {
    const got = this.index.get(tool);
    if (got !== undefined) return got;
    if (this.tools.length >= this.maxTools) return this.maxTools - 1;
    const id = this.tools.length;
    this.tools.push(tool);
    this.index.set(tool, id);
    this.rowSums.push(0);
    if (id >= this.counts.rows) this.grow(Math.min(this.maxTools, this.counts.rows * 2));
    return id;
  }

  private grow(n: number): void {
    const next = new Matrix(n, n);
    next.setSubMatrix(this.counts, 0, 0);
    this.counts = next;
  }

  private add(a: number, b: number, c: number): void {
    this.counts.set(a, b, this.counts.get(a, b) + c);
    this.rowSums[a] = (this.rowSums[a] ?? 0) + c;
  }

  observe(prev: string | null, next: string): void {
    const a = this.idx(prev ?? START);
    const b = this.idx(next);
    this.add(a, b, 1);
    if (prev === null) this.sessions++;
  }

  /** The model has seen this tool at least once. */
  knows(tool: string): boolean {
    return this.index.has(tool);
  }

  /** Transitions seen out of `prev` (0 when the model never saw it). */
  support(prev: string | null): number {
    const a = this.index.get(prev ?? START);
    return a === undefined ? 0 : (this.rowSums[a] ?? 0);
  }

  /** -log P(next | prev), add-alpha smoothed; nats. */
  surprise(prev: string | null, next: string): number {
    const a = this.index.get(prev ?? START);
    const k = this.tools.length + 1;
    if (a === undefined) return Math.log(k);
    const b = this.index.get(next);
    const c = b === undefined ? 0 : this.counts.get(a, b);
    const total = this.rowSums[a] ?? 0;
    return -Math.log((c + this.alpha) / (total + this.alpha * k));
  }
}

export class TransitionModels {
  private readonly byType = new Map<string, TransitionModel>();

  constructor(
    private readonly maxTypes = 256,
    private readonly maxTools = 128,
  ) {}

  static fromBaseline(b: Baseline): TransitionModels {
    const models = new TransitionModels();
    for (const [type, m] of Object.entries(b.agent_types)) models.byType.set(type, TransitionModel.fromBaseline(m));
    return models;
  }

  get(type: string): TransitionModel | undefined {
    return this.byType.get(type);
  }

  /** The model for a type, created on first use while under the cap. */
  learn(type: string): TransitionModel | undefined {
    let m = this.byType.get(type);
    if (m === undefined && this.byType.size < this.maxTypes) {
      m = new TransitionModel(this.maxTools);
      this.byType.set(type, m);
    }
    return m;
  }

  toBaseline(): Baseline {
    const agent_types: Record<string, BaselineModel> = {};
    for (const [t, m] of this.byType) agent_types[t] = m.toBaseline();
    return { version: 1, agent_types };
  }
}
