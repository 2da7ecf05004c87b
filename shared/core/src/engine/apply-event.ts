/**
 * Applies an observed event to session state after the detectors ran: identity and envelope on
 * the first event, tool counts and transitions, data classes and taint, destinations with their
 * provenance, entities the result introduced, scopes, principals, credentials, delegation.
 */
import type { AgentActionEvent } from '@chainwatch/schemas';
import { canonicalUrl, hostOf, phoneKey, phonesInText } from '../catalog/extract-entities';
import { extractEntitiesFromText } from '../catalog/extract-entities';
import { isSink } from '../detectors/sink';
import { baseKey, collapseSpace, commandKey, madeDirectories, pathKey, urlValue } from '../catalog/value-keys';
import { originOf } from '../provenance/argument-origin';
import type { IntentIndex } from '../intent/intent-index';
import { pointedByTask } from '../provenance/task-pointer';
import type { ActionView } from '../view/action-view';
import type { DetectorSettings } from '../scoring/scoring-policy';
import type { Interner } from '../state/interner';
import type { StringPool } from '../state/string-pool';
import { pairsGet, pairsSet, pairsSize } from '../state/flat-map';
import { CAPS, ENTITY_KIND, PROV, type SessionState } from '../state/session-state';
import { intersectScopes } from '../authority/envelope';

export function initSession(
  s: SessionState,
  e: AgentActionEvent,
  parentId: string | null,
  names: Interner,
  pool: StringPool,
  intents: IntentIndex,
  parent: SessionState | undefined,
): void {
  s.parent = parentId;
  s.depth = parent !== undefined ? parent.depth + 1 : parentId !== null ? Math.max(1, e.principal.act.length) : 0;
  s.agentId = pool.str(e.agent.id);
  s.agentType = names.id(e.agent.type);
  s.spiffe = pool.str(e.agent.spiffe_id);
  s.principal = pool.str(e.principal.sub);
  s.taskId = e.task.id;
  s.taskScopes = e.task.scopes.length > 0 ? pool.list(e.task.scopes) : null;
  s.allowedTools = e.task.allowed_tools === undefined ? null : e.task.allowed_tools.map((t) => names.id(t));
  s.allowedDest = e.task.allowed_destinations === undefined ? null : pool.list(e.task.allowed_destinations);
  s.ceiling = e.task.max_data_class === undefined ? -1 : ['public', 'internal', 'confidential', 'restricted', 'secret'].indexOf(e.task.max_data_class);
  s.intent = intents.hashes(e.task.intent);
  s.firstTs = e.ts;
  if (parent !== undefined && e.task.intent !== undefined) inheritProvenance(s, e.task.intent, parent, e.event_id);
  // Base authority: task scopes ∩ the delegating session's authority (credentials apply per event).
  const authority = intersectScopes(s.taskScopes, parent?.authority ?? null);
  s.authority = authority === null ? null : pool.list(authority);
}

/**
 * A delegated task is written by the delegating agent: an address, link or account in it that the
 * delegating session got from an output is that output's, not the user's (a tainted hand-off).
 * Recorded in the child as an inherited source, which outranks the task text.
 */
export function inheritProvenance(s: SessionState, intent: string, parent: SessionState, eventId: string): void {
  const e = extractEntitiesFromText(intent);
  const values = [...e.emails, ...e.urls.map((u) => canonicalUrl(u)), ...e.ibans];
  for (const p of phonesInText(intent)) values.push(p);
  for (const v of values) {
    const src = parent.outputSource(v) ?? (v.includes('@') ? null : parent.outputSource(hostOf(v)));
    if (src === null || (src.trust !== 'third_party' && src.trust !== 'agent' && src.trust !== 'web')) continue;
    s.recordOutputEntities(src.eventId ?? eventId, src.tool !== '' ? `${src.tool} in session ${parent.sid}` : `session ${parent.sid}`, 0, src.trust, false, [v], true);
  }
}

export function applyEvent(
  s: SessionState,
  e: AgentActionEvent,
  view: ActionView,
  names: Interner,
  policy: DetectorSettings,
  pool: StringPool,
  orgDomains: readonly string[] = [],
): void {
  const act = view.action;
  const tool = view.toolId;
  // tools, transitions
  const c = pairsGet(s.toolCounts, tool);
  if (c === undefined) {
    if (pairsSize(s.toolCounts) < CAPS.toolCounts) s.toolCounts = pairsSet(s.toolCounts, tool, 1);
    s.noteNewTool(s.events, e.ts);
  } else s.toolCounts = pairsSet(s.toolCounts, tool, c + 1);
  const prev = s.lastTool();
  if (prev >= 0) {
    const key = prev * 65536 + tool;
    const t = pairsGet(s.transitions, key);
    if (t !== undefined) s.transitions = pairsSet(s.transitions, key, t + 1);
    else if (pairsSize(s.transitions) < CAPS.transitions) s.transitions = pairsSet(s.transitions, key, 1);
  }
  s.pushRecent(tool);

  // data classes and taint: what the session read
  // A shell command that reads a secret taints the session whatever else it does.
  const reads = act.operation === 'read' || act.kind === 'data_access' || (view.shell !== null && act.dataClassRank >= policy.sensitive_rank);
  if (reads && e.outcome !== 'denied' && e.action.result_error !== true) {
    s.classMask |= 1 << act.dataClassRank;
    if (act.dataClassRank > s.maxRank) s.maxRank = act.dataClassRank;
    if (act.dataClassRank >= policy.sensitive_rank) {
      if (s.taint === null) s.taint = { rank: act.dataClassRank, ts: e.ts, ev: [e.event_id], from: null };
      else {
        if (act.dataClassRank > s.taint.rank) s.taint.rank = act.dataClassRank;
        if (s.taint.ev.length < CAPS.taintEvidence && !s.taint.ev.includes(e.event_id)) s.taint.ev = s.taint.ev.concat(e.event_id);
      }
    }
  }
  // destinations with first provenance
  if (act.resource !== '') s.touchResource(act.resource, s.events);
  act.destinations.forEach((d, i) => s.recordDestination(d, PROV[view.destinationOrigins[i] ?? 'unseen']));
  if (isSink(view) && act.destinationExternal) s.externalSends++;
  // entities the result put in front of the agent
  const r = e.action.result_entities;
  if (r !== undefined) {
    const ents: string[] = [];
    for (const x of r.emails) ents.push(x.toLowerCase());
    for (const u of r.urls) ents.push(canonicalUrl(u));
    for (const d of r.domains) ents.push(hostOf(d));
    for (const i of r.ibans) ents.push(i);
    for (const ph of r.phones) {
      const k = phoneKey(ph);
      if (k !== null) ents.push(k);
    }
    if (r.paths !== undefined) for (const p of r.paths) ents.push(pathKey(p));
    if (r.commands !== undefined) for (const c of r.commands) outputCommandKeys(s, c, ents);
    if (ents.length > 0) {
      // The output of another agent (a delegation's result) is that agent's, whatever the tool.
      const trust = e.action.kind === 'delegation' || act.operation === 'delegate' ? 'agent' : act.outputTrust;
      if (trust === 'system' || trust === 'own' || trust === 'directory') {
        s.trustedKinds |= (r.ibans.length > 0 ? ENTITY_KIND.iban : 0) | (r.emails.length > 0 ? ENTITY_KIND.email : 0) | (r.urls.length > 0 ? ENTITY_KIND.url : 0) | (r.phones.length > 0 ? ENTITY_KIND.phone : 0);
      }
      s.recordOutputEntities(e.event_id, act.tool, s.events, trust, pointedByTask(e.action.args, s.intent), ents);
    }
  }
  if (view.shell !== null && e.outcome !== 'denied') recordShellEffects(s, view, orgDomains);
  for (const sc of act.requiredScopes) s.addScopeUsed(sc, pool);
  s.addPrincipal(e.principal.sub);
  if (e.credential !== undefined) s.addToken(e.credential.token_id);
  s.events++;
  s.lastTs = Math.max(s.lastTs, e.ts);
}

/**
 * A command line an output showed: keyed whole, kept as text (so a command that is one part of it is
 * traced to it), and its URLs and hosts traced like any the output showed.
 */
function outputCommandKeys(s: SessionState, c: string, ents: string[]): void {
  ents.push(commandKey(c));
  s.recordShown(collapseSpace(c));
  const found = extractEntitiesFromText(c);
  for (const u of found.urls) ents.push(canonicalUrl(u));
  for (const d of found.domains) ents.push(hostOf(d));
}

/** What a shell command left for later calls: files it downloaded (with the URL's provenance), files it encrypted. */
function recordShellEffects(s: SessionState, view: ActionView, orgDomains: readonly string[]): void {
  const a = view.shell?.analysis;
  if (a === undefined) return;
  // Index loops: the analysis's lists are frozen arrays, and iterating them with for…of allocates
  // an iterator result per item where the optimiser leaves this function alone (it runs per call).
  for (let i = 0; i < a.downloads.length; i++) {
    const d = a.downloads[i]!;
    const o = originOf(s, urlValue(d.url), orgDomains, s.intent);
    s.recordDownload(pathKey(d.path), PROV[o.kind]);
    // By name too: `wget URL` in /tmp, then `bash /tmp/x.sh`, with no working directory known.
    s.recordDownload(baseKey(d.path), PROV[o.kind]);
  }
  for (let i = 0; i < a.effects.length; i++) {
    const e = a.effects[i]!;
    if (e.kind === 'encryption') s.recordEncrypted(pathKey(e.target));
  }
  for (let i = 0; i < a.paths.written.length; i++) s.recordMade(pathKey(a.paths.written[i]!.normalised));
  const made = madeDirectories(a.commands);
  for (let i = 0; i < made.length; i++) s.recordMade(pathKey(made[i]!));
}
