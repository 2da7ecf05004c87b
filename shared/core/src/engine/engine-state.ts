/** What the engine's parts share: configuration, engine-wide indexes and the session store. */
import type { TransitionModels } from '../baseline/markov-model';
import type { ToolCatalog } from '../catalog/tool-catalog';
import type { IntentIndex } from '../intent/intent-index';
import type { ScoringPolicy } from '../scoring/scoring-policy';
import type { ShellPort } from '../shell/shell-port';
import type { CredentialIndex } from '../state/credential-index';
import type { ActiveFinding } from '../state/session-state';
import type { Interner } from '../state/interner';
import type { StringPool } from '../state/string-pool';
import type { ApprovalBook } from './approval-book';
import type { FindingPipeline } from './finding-pipeline';
import type { RuleSetPort } from './rule-set-port';
import type { SessionStore } from './session-store';

export interface EngineState {
  readonly catalog: ToolCatalog;
  readonly policy: ScoringPolicy;
  readonly rules: RuleSetPort | undefined;
  readonly policyVersion: string;
  /** Learn Markov transition models online from observed events. */
  readonly learn: boolean;
  readonly names: Interner;
  readonly pool: StringPool;
  readonly intents: IntentIndex;
  readonly models: TransitionModels;
  readonly credentials: CredentialIndex;
  readonly sessions: SessionStore;
  readonly approvals: ApprovalBook;
  readonly pipeline: FindingPipeline;
  /** A finding's weight under the policy (kept once, not made per event). */
  readonly weight: (f: ActiveFinding, now: number) => number;
  /** Reads shell commands, when the service gave the engine an analyser. */
  readonly shell: ShellPort | undefined;
}
