/**
 * Evidence from where the arguments of a sink came from (provenance/argument-origin.ts). Sending,
 * paying, sharing or inviting to a party that only content written by others supplied is the
 * signature of indirect prompt injection; so is contacting a link from content the task never
 * pointed the agent at. Weighed by what the task delegated: a task that asks to deliver without
 * naming the recipient expects one looked up in the content it points at.
 */
import { DATA_CLASSES } from '@chainwatch/schemas';
import { nameTokens } from '../catalog/infer-tool';
import { hasTaskKey } from '../intent/intent-index';
import { INTENT_DELIVER_UNNAMED_KEY, INTENT_NAMES_PARTY_KEY } from '../intent/task-asks';
import { untrustedOrigin } from '../provenance/argument-origin';
import { ENTITY_KIND, type EntitySource, type SessionState } from '../state/session-state';
import { effectKind } from './effect-kind';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';
import { sinkKind } from './sink';

/** Where a value came from, for a reason: "content written by others (output of read_file at event …)". */
export function sourceText(src: EntitySource | null): string {
  if (src === null) return 'content written by others';
  const what = src.trust === 'agent' ? "another agent's output" : src.trust === 'web' ? 'a page of the open web' : 'content written by others';
  const tool = src.tool !== '' ? ` (output of ${src.tool}${src.eventId !== null ? ` at event ${src.eventId}` : ''})` : src.eventId !== null ? ` (event ${src.eventId})` : '';
  const via = src.inherited ? ', handed over by the delegating session' : '';
  return `${what}${tool}${via}`;
}

const SEARCH_WORDS = new Set(['search', 'find', 'query', 'lookup', 'google', 'bing', 'duckduckgo']);

/** A search tool: its results are what the user's query asked for, not a page author's links. */
function isSearch(tool: string): boolean {
  return nameTokens(tool).some((t) => SEARCH_WORDS.has(t));
}

/** The task writes out at least one address, account or number of its own. */
function taskNamesParties(a: ActionView): boolean {
  return hasTaskKey(a.taskKeys, INTENT_NAMES_PARTY_KEY);
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const kind = sinkKind(a);
  if (kind === null || kind === 'execute') return [];
  const act = a.action;
  const prov = a.provenance;
  if (!act.destinationExternal || a.envelope.destinationsListed) return [];
  const src = prov.source;
  const evidence = src?.eventId !== null && src?.eventId !== undefined ? [src.eventId] : [];
  if (untrustedOrigin(prov.kind)) {
    const from = sourceText(src);
    if (kind === 'outward') {
      const money = effectKind(act) === 'pay';
      let confidence = 0.9;
      let severity: 'high' | 'critical' = money ? 'critical' : 'high';
      const delegated = hasTaskKey(a.taskKeys, INTENT_DELIVER_UNNAMED_KEY);
      // The system of record (or the principal's own data) gave an account, and this payment goes to
      // one from content instead: the swap of a business e-mail compromise.
      const contradicts = money && act.destinationKind === 'iban' && (s.trustedKinds & ENTITY_KIND.iban) !== 0;
      // Inside a declared envelope the task's words do not excuse a recipient from content: the
      // envelope said what the session may do, not to whom (DESIGN §3, authority first).
      const words = !a.envelope.covers;
      if (prov.namedInTask) confidence *= 0.5;
      else if (contradicts) severity = 'critical';
      else if (words && delegated && src?.pointed === true && src.inherited !== true) {
        // "Pay the bill in 'bill.txt'", "reply to the message from Bob": the task left the recipient
        // to the content it pointed at.
        confidence *= ctx.policy.pointed_recipient_weight;
        severity = 'high';
      } else if (words && delegated) confidence *= ctx.policy.delegated_recipient_weight;
      else if (words && taskNamesParties(a)) severity = 'critical';
      // A value the delegating session got from others and wrote into this task: a tainted hand-off.
      const handoff = src?.inherited === true;
      return [
        draft(handoff ? 'privilege_laundering.tainted_input_privileged_action' : 'data_flow.send_to_tool_supplied_destination', {
          confidence: handoff ? 0.9 : confidence,
          severity: handoff && money ? 'critical' : severity,
          message: `'${act.tool}' ${money ? 'moves money' : 'sends'} to ${prov.destination}, which first appeared in ${from}, not in the task`,
          evidence,
          once: `prov:${prov.destination}`,
        }),
      ];
    }
    if (kind === 'contact') {
      // A link in content the task pointed at (a channel, a message) is one step from the user's words;
      // a link on an open-web page is the page author's, even on a page the task named.
      const pointed = src?.pointed === true && src.inherited !== true && (src.trust !== 'web' || isSearch(src.tool));
      return [
        draft('data_flow.fetch_tool_supplied_destination', {
          confidence: pointed ? ctx.policy.pointed_link_confidence : 0.9,
          severity: pointed ? 'medium' : 'high',
          message: `'${act.tool}' contacts ${prov.destination}, a link that first appeared in ${from}${pointed ? ', content the task pointed at' : ', content the task never pointed the agent at'}`,
          evidence,
          once: `prov:${prov.destination}`,
        }),
      ];
    }
    return [
      draft('data_flow.write_to_tool_supplied_destination', {
        confidence: 0.7,
        message: `'${act.tool}' (${act.operation}) acts on ${prov.destination}, which first appeared in ${from}, not in the task`,
        evidence,
        once: `prov:${prov.destination}`,
      }),
    ];
  }
  if (prov.kind === 'unseen' && kind === 'outward' && a.taskKeys !== null) {
    // An invented recipient is weak evidence on its own; for a session holding sensitive data it is
    // where that data would go.
    const holding = s.taint !== null && s.taint.rank >= ctx.policy.sensitive_rank;
    return [
      draft('data_flow.send_to_unseen_destination', {
        confidence: holding ? 0.8 : 0.5,
        severity: holding ? 'high' : 'medium',
        message: `'${act.tool}' sends to ${prov.destination}, which neither the task nor any output mentioned${holding ? `, from a session holding ${DATA_CLASSES[s.taint!.rank] ?? 'sensitive'} data (events ${s.taint!.ev.join(', ')})` : ''}`,
        evidence: holding ? s.taint!.ev : [],
        once: `unseen:${prov.destination}`,
      }),
    ];
  }
  return [];
}

export const provenance = detector('data_flow', inspect);
