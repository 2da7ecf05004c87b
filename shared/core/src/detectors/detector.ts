/**
 * The shape every detector shares. A detector reads the session state as it was BEFORE the
 * action (the engine applies the action to state afterwards) and returns finding drafts; it never
 * mutates state. `observe` runs on the stream, `assess` on a prospective action at request time.
 */
import type { Context, Credential, Detector, Principal, Severity, Task } from '@chainwatch/schemas';
import type { TransitionModels } from '../baseline/markov-model';
import type { ResolvedAction } from '../catalog/resolve-action';
import type { CredentialIndex } from '../state/credential-index';
import type { Interner } from '../state/interner';
import type { EntitySource, Provenance, SessionState } from '../state/session-state';
import type { DetectorPolicy } from '../scoring/policy';

export interface DestinationProvenance {
  /** Worst provenance over the action's destinations (tool_output > unseen > intent > internal > none). */
  readonly kind: Provenance;
  /** The destination that provenance is about ('' when none). */
  readonly destination: string;
  /** When kind is tool_output: the event whose result introduced it. */
  readonly source: EntitySource | null;
  /** A party the action names (e.g. a recipient's name) appears in the task intent. */
  readonly namedInIntent: boolean;
}

export interface ActionView {
  readonly prospective: boolean;
  /** '' for a prospective action. */
  readonly eventId: string;
  readonly ts: number;
  readonly sessionId: string;
  readonly traceId: string;
  readonly parentSessionId: string | null;
  readonly agentId: string;
  readonly agentType: string;
  readonly spiffeId: string;
  readonly principal: Principal;
  readonly task: Task | undefined;
  readonly credential: Credential | undefined;
  readonly context: Context | undefined;
  readonly targetSessionId: string | undefined;
  readonly toolId: number;
  readonly action: ResolvedAction;
  readonly provenance: DestinationProvenance;
  /** Provenance of each of action.destinations, in the same order. */
  readonly destinationOrigins: readonly Provenance[];
  /**
   * The session's effective authority (task ∩ delegation chain), narrowed by this action's
   * credential when the tool requires scopes; null = unbounded.
   */
  readonly authority: readonly string[] | null;
  /** Required scopes not held by the effective authority. */
  readonly scopesMissing: readonly string[];
}

export interface DetectorContext {
  readonly names: Interner;
  readonly policy: DetectorPolicy;
  readonly models: TransitionModels;
  readonly credentials: CredentialIndex;
  /** Another session of the engine (for delegation chains), if held. */
  readonly session: (sessionId: string) => SessionState | undefined;
}

export interface FindingDraft {
  readonly rule: string;
  readonly version: number;
  readonly detector: Detector;
  readonly severity: Severity;
  readonly confidence: number;
  readonly message: string;
  /** Evidence event ids; the acting event's id is appended by the engine when observed. */
  readonly evidence: readonly string[];
  readonly tags: readonly string[];
  /** When set, the finding is raised at most once per session for this key. */
  readonly once?: string;
}

export interface DetectorModule {
  readonly name: Detector;
  observe(action: ActionView, ctx: DetectorContext, state: SessionState): FindingDraft[];
  assess(action: ActionView, ctx: DetectorContext, state: SessionState): FindingDraft[];
}

/** OWASP Top 10 for Agentic Applications ids used as tags. */
export const ASI = {
  goalHijack: 'ASI01',
  toolMisuse: 'ASI02',
  privilegeAbuse: 'ASI03',
  supplyChain: 'ASI04',
  codeExecution: 'ASI05',
  memoryPoisoning: 'ASI06',
  interAgent: 'ASI07',
  cascading: 'ASI08',
  trustExploit: 'ASI09',
  rogueAgent: 'ASI10',
} as const;
