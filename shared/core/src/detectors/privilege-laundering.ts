/**
 * Multi-agent privilege laundering. The effective authority of a session is the intersection of
 * its task scopes, its credential's scopes and the effective authority of the session that
 * delegated to it, built from observed delegation events (RFC 8693 `act` claims are only
 * informational). Findings: confused deputy (the agent holds a required scope its chain does
 * not), a required scope nobody granted, several principals in one session, tainted output of one
 * session driving a privileged action in another, a claimed `act` chain that does not match the
 * observed tree, delegation depth and cycles.
 */
import type { SessionState } from '../state/session-state';
import { isSink } from './tool-chaining';
import { ASI, type ActionView, type DetectorContext, type DetectorModule, type FindingDraft } from './detector';

const MAX_WALK = 16;

/** Agent ids of the observed delegation chain above a session, nearest first. */
export function observedAncestors(s: SessionState, ctx: DetectorContext): { agents: string[]; sessions: string[]; cycle: boolean } {
  const agents: string[] = [];
  const sessions: string[] = [];
  let cycle = false;
  let cur = s.parent;
  const visited = new Set<string>([s.sid]);
  for (let i = 0; cur !== null && i < MAX_WALK; i++) {
    if (visited.has(cur)) {
      cycle = true;
      break;
    }
    visited.add(cur);
    sessions.push(cur);
    const p = ctx.session(cur);
    if (p === undefined) break;
    agents.push(p.agentId);
    cur = p.parent;
  }
  return { agents, sessions, cycle };
}

function isPrivileged(a: ActionView): boolean {
  const op = a.action.operation;
  return a.action.requiredScopes.length > 0 || op === 'delete' || op === 'execute' || op === 'delegate' || isSink(a);
}

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const act = a.action;
  if (a.scopesMissing.length > 0) {
    const held = new Set<string>([...(a.credential?.scopes ?? []), ...(a.task?.scopes ?? s.taskScopes ?? [])]);
    const deputy = a.scopesMissing.filter((x) => held.has(x));
    if (deputy.length > 0 && s.parent !== null) {
      out.push({
        rule: 'privilege_laundering.confused_deputy', version: 1, detector: 'privilege_laundering', severity: 'critical', confidence: 0.9,
        message: `'${act.tool}' needs ${deputy.join(', ')}: the acting agent holds it but its delegation chain does not`,
        evidence: [], tags: [ASI.privilegeAbuse, ASI.interAgent], once: `deputy:${act.tool}`,
      });
    } else {
      out.push({
        rule: 'privilege_laundering.scope_not_granted', version: 1, detector: 'privilege_laundering', severity: 'high', confidence: 0.85,
        message: `'${act.tool}' needs ${a.scopesMissing.join(', ')}, outside the session's effective authority`,
        evidence: [], tags: [ASI.privilegeAbuse], once: `scope:${act.tool}`,
      });
    }
  }
  const seen = s.allPrincipals();
  const principals = new Set(seen);
  principals.add(a.principal.sub);
  if (seen.length > 0 && !seen.includes(a.principal.sub)) {
    out.push({
      rule: 'privilege_laundering.principal_union', version: 1, detector: 'privilege_laundering', severity: 'high', confidence: 0.8,
      message: `session acts for ${principals.size} principals (${[...principals].slice(0, 4).join(', ')}), combining their authority`,
      evidence: [], tags: [ASI.privilegeAbuse], once: `principals:${principals.size}`,
    });
  }
  const taint = s.taint;
  if (taint !== null && taint.from !== null && isPrivileged(a)) {
    out.push({
      rule: 'privilege_laundering.tainted_input_privileged_action', version: 1, detector: 'privilege_laundering', severity: 'high', confidence: 0.8,
      message: `session received tainted output from session ${taint.from}, then runs privileged '${act.tool}' (${act.operation})`,
      evidence: taint.ev, tags: [ASI.privilegeAbuse, ASI.interAgent, ASI.goalHijack], once: `tainted_in:${act.tool}`,
    });
  }
  if (s.events === 0 || a.principal.act.length > 0) {
    const chain = observedAncestors(s, ctx);
    const claimed = a.principal.act.map((x) => x.sub);
    if (claimed.length > 0 && chain.agents.length > 0) {
      const known = new Set([...chain.agents, a.agentId, a.spiffeId]);
      const spurious = claimed.filter((c) => !known.has(c));
      const missing = chain.agents.filter((c) => !claimed.includes(c));
      if (spurious.length > 0 || missing.length > 0) {
        out.push({
          rule: 'privilege_laundering.act_chain_mismatch', version: 1, detector: 'privilege_laundering', severity: 'medium', confidence: 0.7,
          message: `claimed act chain [${claimed.join(' → ')}] does not match the observed delegation tree [${chain.agents.join(' → ')}]`,
          evidence: [], tags: [ASI.privilegeAbuse, ASI.interAgent], once: 'act_mismatch',
        });
      }
    }
    const agentsInChain = [a.agentId, ...chain.agents];
    const repeated = agentsInChain.length !== new Set(agentsInChain).size;
    if (chain.cycle || repeated) {
      out.push({
        rule: 'privilege_laundering.delegation_cycle', version: 1, detector: 'privilege_laundering', severity: 'high', confidence: 0.85,
        message: `delegation chain revisits an agent or session: ${agentsInChain.slice(0, 6).join(' ← ')}`,
        evidence: [], tags: [ASI.privilegeAbuse, ASI.interAgent, ASI.cascading], once: 'cycle',
      });
    }
  }
  if (s.depth > ctx.policy.max_delegation_depth) {
    out.push({
      rule: 'privilege_laundering.delegation_depth', version: 1, detector: 'privilege_laundering', severity: 'medium', confidence: 0.7,
      message: `delegation depth ${s.depth} exceeds ${ctx.policy.max_delegation_depth}`,
      evidence: [], tags: [ASI.privilegeAbuse, ASI.cascading], once: 'depth',
    });
  }
  if (act.operation === 'delegate' && a.targetSessionId !== undefined) {
    const chain = observedAncestors(s, ctx);
    if (a.targetSessionId === s.sid || chain.sessions.includes(a.targetSessionId)) {
      out.push({
        rule: 'privilege_laundering.delegation_cycle', version: 1, detector: 'privilege_laundering', severity: 'high', confidence: 0.9,
        message: `delegation to ${a.targetSessionId}, which is already above this session in the delegation tree`,
        evidence: [], tags: [ASI.privilegeAbuse, ASI.interAgent, ASI.cascading], once: `cycle:${a.targetSessionId}`,
      });
    }
  }
  return out;
}

export const privilegeLaundering: DetectorModule = { name: 'privilege_laundering', observe: inspect, assess: inspect };
