/**
 * Multi-agent privilege laundering along the observed delegation tree (RFC 8693 `act` claims are
 * informational only): several principals in one session, tainted output of one session driving
 * a privileged action in another, a claimed act chain that does not match the observed tree,
 * delegation cycles and depth. Scopes beyond the chain are authority findings (detectors/authority.ts).
 */
import type { SessionState } from '../state/session-state';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';
import { isSink } from './sink';

const MAX_WALK = 16;

/** Agent ids of the observed delegation chain above a session, nearest first. */
export function observedAncestors(s: SessionState, ctx: DetectorContext): { agents: string[]; sessions: string[]; cycle: boolean } {
  const agents: string[] = [];
  const sessions: string[] = [];
  let cycle = false;
  let cur = s.parent;
  // A session without a parent (most) walks nothing: no set for it.
  if (cur === null) return { agents, sessions, cycle };
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

const NO_AGENTS: readonly string[] = Object.freeze([]);

function inspect(a: ActionView, ctx: DetectorContext, s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const act = a.action;
  if (s.principalCount() > 0 && !s.actsFor(a.principal.sub)) {
    const principals = new Set([...s.allPrincipals(), a.principal.sub]);
    out.push(
      draft('privilege_laundering.principal_union', {
        confidence: 0.8,
        message: `session acts for ${principals.size} principals (${[...principals].slice(0, 4).join(', ')}), combining their authority`,
        once: `principals:${principals.size}`,
      }),
    );
  }
  const taint = s.taint;
  if (taint !== null && taint.from !== null && isPrivileged(a) && !a.envelope.covers) {
    out.push(
      draft('privilege_laundering.tainted_input_privileged_action', {
        confidence: 0.8,
        message: `session received sensitive output from session ${taint.from}, then runs privileged '${act.tool}' (${act.operation})`,
        evidence: taint.ev,
        once: `tainted_in:${act.tool}`,
      }),
    );
  }
  if (s.events === 0 || a.principal.act.length > 0) {
    const chain = observedAncestors(s, ctx);
    // No observed chain (a session nobody delegated, most): no claim to compare, no agent twice.
    const claimed = chain.agents.length > 0 ? a.principal.act.map((x) => x.sub) : NO_AGENTS;
    if (claimed.length > 0 && chain.agents.length > 0) {
      // A claimed agent the observed chain does not know, or an observed one the claim leaves out.
      const spurious = claimed.some((c) => !chain.agents.includes(c) && c !== a.agentId && c !== a.spiffeId);
      const missing = chain.agents.some((c) => !claimed.includes(c));
      if (spurious || missing) {
        out.push(
          draft('privilege_laundering.act_chain_mismatch', {
            confidence: 0.8,
            message: `claimed act chain [${claimed.join(' → ')}] does not match the observed delegation tree [${chain.agents.join(' → ')}]`,
            once: 'act_mismatch',
          }),
        );
      }
    }
    const agentsInChain = chain.cycle || chain.agents.length > 0 ? [a.agentId, ...chain.agents] : NO_AGENTS;
    if (chain.cycle || (agentsInChain.length > 1 && agentsInChain.length !== new Set(agentsInChain).size)) {
      out.push(
        draft('privilege_laundering.delegation_cycle', {
          confidence: 0.85,
          message: `delegation chain revisits an agent or session: ${agentsInChain.slice(0, 6).join(' ← ')}`,
          once: 'cycle',
        }),
      );
    }
  }
  if (s.depth > ctx.policy.max_delegation_depth) {
    out.push(draft('privilege_laundering.delegation_depth', { confidence: 0.7, message: `delegation depth ${s.depth} exceeds ${ctx.policy.max_delegation_depth}`, once: 'depth' }));
  }
  if (act.operation === 'delegate' && a.targetSessionId !== undefined) {
    const chain = observedAncestors(s, ctx);
    if (a.targetSessionId === s.sid || chain.sessions.includes(a.targetSessionId)) {
      out.push(
        draft('privilege_laundering.delegation_cycle', {
          confidence: 0.9,
          message: `delegation to ${a.targetSessionId}, which is already above this session in the delegation tree`,
          once: `cycle:${a.targetSessionId}`,
        }),
      );
    }
  }
  return out;
}

export const delegation = detector('privilege_laundering', inspect);
