/**
 * Data-flow provenance: for each destination an action sends to, where it first appeared: in the
 * task intent, in a previous tool result (result_entities), or nowhere. An agent sending data to,
 * or fetching from, a party that only tool output supplied is the signature of indirect prompt
 * injection; content from outside the organisation (web pages, inbound mail) is the least trusted
 * source.
 */
import { INTENT_WEB_KEY, intentCapabilityKeys } from '../engine/intent-keys';
import { recipientLeftToAgent } from './effect-intent';
import type { SessionState } from '../state/session-state';
import { ASI, type ActionView, type DetectorContext, type DetectorModule, type FindingDraft } from './detector';

function inspect(a: ActionView, _ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const act = a.action;
  const prov = a.provenance;
  if (!act.destinationExternal) return [];
  const outward = act.egress || act.operation === 'send';
  const write = !outward && (act.operation === 'write' || act.operation === 'execute');
  const fetch = act.operation === 'read';
  if (!outward && !fetch && !write) return [];
  const out: FindingDraft[] = [];
  if (prov.kind === 'tool_output' && prov.source !== null) {
    const src = prov.source;
    const from = src.eventId !== null ? ` (event ${src.eventId})` : '';
    const origin = src.external ? 'content from outside the organisation' : 'tool output';
    if (outward) {
      // Sending data to a party only tool output supplied: the injection's exfiltration step.
      let confidence = src.external ? 0.95 : 0.85;
      if (prov.namedInIntent) confidence *= 0.5;
      // The task asked to deliver something without writing the recipient: looking it up is the job.
      else if (recipientLeftToAgent(a, s)) confidence *= 0.55;
      out.push({
        rule: 'data_flow.send_to_tool_supplied_destination', version: 2, detector: 'data_flow', severity: 'high', confidence,
        message: `'${act.tool}' sends to ${prov.destination}, which appeared only in ${origin}${from}, not in the task`,
        evidence: src.eventId !== null ? [src.eventId] : [], tags: [ASI.goalHijack, ASI.toolMisuse], once: `prov:${prov.destination}`,
      });
    } else if (fetch) {
      // Following a link: strong when the link came from untrusted external content, or when the
      // task never asked for web access at all.
      const webTask = s.intentHas(INTENT_WEB_KEY) || (s.events === 0 && intentCapabilityKeys(a.task?.intent).includes(INTENT_WEB_KEY));
      const strong = src.external || !webTask;
      out.push({
        rule: 'data_flow.fetch_tool_supplied_destination', version: 1, detector: 'data_flow',
        severity: strong ? 'high' : 'medium', confidence: src.external ? (prov.namedInIntent ? 0.45 : 0.9) : strong ? 0.8 : 0.5,
        message: `'${act.tool}' contacts ${prov.destination}, a link that appeared only in ${origin}${from}, not in the task`,
        evidence: src.eventId !== null ? [src.eventId] : [], tags: [ASI.goalHijack], once: `prov:${prov.destination}`,
      });
    } else {
      out.push({
        rule: 'data_flow.write_to_tool_supplied_destination', version: 1, detector: 'data_flow', severity: 'medium',
        confidence: src.external ? 0.6 : 0.4,
        message: `'${act.tool}' writes to ${prov.destination}, which appeared only in ${origin}${from}, not in the task`,
        evidence: src.eventId !== null ? [src.eventId] : [], tags: [ASI.goalHijack], once: `prov:${prov.destination}`,
      });
    }
  } else if (prov.kind === 'unseen' && outward && s.events > 0) {
    out.push({
      rule: 'data_flow.send_to_unseen_destination', version: 1, detector: 'data_flow', severity: 'medium', confidence: 0.4,
      message: `'${act.tool}' sends to ${prov.destination}, which neither the task nor any tool output mentioned`,
      evidence: [], tags: [ASI.goalHijack], once: `unseen:${prov.destination}`,
    });
  }
  return out;
}

export const dataFlow: DetectorModule = { name: 'data_flow', observe: inspect, assess: inspect };
