import type { AgentActionEvent, Detector, Level } from '@chainwatch/schemas';
import type { TraceBuilder } from './trace-builder';

/** A detection the scenario is built to cause, in the session that should carry it. */
export interface ExpectedDetection {
  readonly detector: Detector;
  readonly sessionId: string;
  /** The event that does the harm, when one does: a detection counts only at or before it. */
  readonly eventId?: string;
}

/** Ground truth of one generated trace. Travels beside the events, never inside them. */
export interface ScenarioLabel {
  readonly scenario: string;
  readonly kind: 'benign' | 'attack';
  readonly description: string;
  /** Empty for benign traces. */
  readonly expected: readonly ExpectedDetection[];
  /** For attacks: the lowest level the attacked session's signal should reach. */
  readonly minLevel: Level | null;
  readonly traceId: string;
  readonly sessionIds: readonly string[];
}

export interface GeneratedTrace {
  readonly scenario: ScenarioLabel;
  readonly events: readonly AgentActionEvent[];
}

export interface ScenarioDefinition {
  readonly name: string;
  readonly kind: 'benign' | 'attack';
  /** The detector an attack scenario targets (null for benign). */
  readonly detector: Detector | null;
  readonly description: string;
  /** Corpora the scenario belongs to (see corpus.ts): 'core' for the original mix. */
  readonly suites: readonly string[];
  /** Relative frequency among scenarios of the same kind. */
  readonly weight: number;
  /** Writes the trace into the builder; returns what should be detected. */
  build(trace: TraceBuilder): readonly ExpectedDetection[];
}
