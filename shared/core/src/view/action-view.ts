/**
 * The ActionView every detector and rule reads: the request or event's identity fields, the
 * resolved action (operation, data class, destinations: catalog/resolve-action.ts), where each
 * destination came from (provenance/argument-origin.ts), and the declared envelope
 * (authority/envelope.ts). Built once per observed event and per prospective action.
 */
import type { Action, Context, Credential, Principal, Task } from '@chainwatch/schemas';
import { envelopeOf, type EnvelopeView } from '../authority/envelope';
import { resolveAction, type ResolvedAction } from '../catalog/resolve-action';
import type { ToolCatalog } from '../catalog/tool-catalog';
import type { IntentIndex } from '../intent/intent-index';
import { type ArgumentOrigin, PROVENANCE_RANK, originOf } from '../provenance/argument-origin';
import type { Interner } from '../state/interner';
import type { ShellPort } from '../shell/shell-port';
import { resolveShellAction, shellViewOf, type ShellView } from '../shell/shell-view';
import type { EntitySource, Provenance, SessionState } from '../state/session-state';

/** What an ActionView is built from: the identity fields of a request or event, and its raw action. */
export interface ActionInput {
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
  readonly action: Action;
}

export interface DestinationProvenance {
  /** Worst provenance over the action's destinations (see PROVENANCE_RANK). */
  readonly kind: Provenance;
  /** The destination that provenance is about ('' when none). */
  readonly destination: string;
  /** For the output kinds: the output that introduced it. */
  readonly source: EntitySource | null;
  /** A party the action names without an address (a channel, a user) appears in the task. */
  readonly namedInTask: boolean;
}

export interface ActionView extends Omit<ActionInput, 'action'> {
  readonly targetSessionId: string | undefined;
  readonly toolId: number;
  readonly action: ResolvedAction;
  /** Sorted hashes of the task text's keys (the session's, or this request's for a first action). */
  readonly taskKeys: readonly number[] | null;
  readonly provenance: DestinationProvenance;
  /** Provenance of each of action.destinations, in the same order. */
  readonly destinationOrigins: readonly Provenance[];
  readonly envelope: EnvelopeView;
  /** A shell-like tool call: its command and what the command does (null for other tools). */
  readonly shell: ShellView | null;
}

const NONE_ORIGIN: ArgumentOrigin = { kind: 'none', source: null };

export function buildActionView(
  input: ActionInput,
  s: SessionState,
  catalog: ToolCatalog,
  names: Interner,
  intents: IntentIndex,
  parent: SessionState | undefined,
  shellPort?: ShellPort,
): ActionView {
  const shell = shellViewOf(shellPort, input.action);
  const act = shell === null ? resolveAction(input.action, catalog) : resolveShellAction(input.action, catalog, shell);
  const taskKeys = s.events > 0 ? s.intent : intents.hashes(input.task?.intent);
  let worst = NONE_ORIGIN;
  let worstDest = '';
  let namedInTask = false;
  const origins: Provenance[] = [];
  for (const d of act.destinations) {
    const o = originOf(s, d, catalog.org_domains, taskKeys);
    origins.push(o.kind);
    if (o.kind === 'task' && !d.includes('@') && !d.includes('.')) namedInTask = true;
    if (PROVENANCE_RANK[o.kind] > PROVENANCE_RANK[worst.kind]) {
      worst = o;
      worstDest = d;
    }
  }
  const toolId = input.prospective ? names.peek(act.tool) : names.id(act.tool);
  const envelope = envelopeOf(
    { task: input.task, credential: input.credential, toolId, parentAuthority: parent?.authority ?? null, hasParent: (input.parentSessionId ?? s.parent) !== null },
    act,
    s,
  );
  return {
    prospective: input.prospective,
    eventId: input.eventId,
    ts: input.ts,
    sessionId: input.sessionId,
    traceId: input.traceId,
    parentSessionId: input.parentSessionId,
    agentId: input.agentId,
    agentType: input.agentType,
    spiffeId: input.spiffeId,
    principal: input.principal,
    task: input.task,
    credential: input.credential,
    context: input.context,
    targetSessionId: input.action.target_session_id,
    toolId,
    action: act,
    taskKeys,
    provenance: { kind: worst.kind, destination: worstDest, source: worst.source, namedInTask },
    destinationOrigins: origins,
    envelope,
    shell,
  };
}
