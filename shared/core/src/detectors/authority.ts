/**
 * Authority first: where the session declares an envelope (allowed tools, a data-class ceiling,
 * allowed destinations, scopes along the delegation chain), an action outside it is denied,
 * naming what is missing. See authority/envelope.ts for how the envelope is built.
 */
import { DATA_CLASSES } from '@chainwatch/schemas';
import type { SessionState } from '../state/session-state';
import { type ActionView, type DetectorContext, type FindingDraft, detector, draft } from './detector';

function sideEffect(a: ActionView): boolean {
  const op = a.action.operation;
  return op === 'write' || op === 'send' || op === 'delete' || op === 'execute';
}

function inspect(a: ActionView, _ctx: DetectorContext, _s: SessionState): FindingDraft[] {
  const out: FindingDraft[] = [];
  const env = a.envelope;
  const act = a.action;
  if (!env.toolAllowed) {
    out.push(draft('scope_drift.tool_not_allowed', { confidence: 0.95, message: `tool '${act.tool}' is outside the task's allowed tools`, once: `tool_not_allowed:${act.tool}` }));
  }
  if (env.overCeiling) {
    out.push(
      draft('scope_drift.data_class_over_ceiling', {
        confidence: 0.9,
        message: `'${act.tool}' handles ${act.dataClass} data, above the task ceiling ${DATA_CLASSES[env.ceiling] ?? env.ceiling}`,
        once: `ceiling:${act.tool}`,
      }),
    );
  }
  if (env.destinationsOutside.length > 0) {
    const d = env.destinationsOutside[0]!;
    out.push(draft('scope_drift.destination_not_allowed', { confidence: 0.95, message: `'${act.tool}' targets ${d}, outside the task's allowed destinations`, once: `dest_not_allowed:${d}` }));
  }
  if (env.deputyScopes.length > 0) {
    out.push(
      draft('privilege_laundering.confused_deputy', {
        confidence: 0.95,
        message: `'${act.tool}' (${act.operation}) needs ${env.deputyScopes.join(', ')}: the acting agent holds it, its delegation chain does not`,
        once: `deputy:${act.tool}`,
      }),
    );
  } else if (env.coverage === 'catalog' && env.scopesMissing.length > 0) {
    out.push(
      draft('privilege_laundering.scope_not_granted', {
        confidence: 0.95,
        message: `'${act.tool}' needs ${env.scopesMissing.join(', ')}, outside the session's effective authority [${(env.authority ?? []).join(', ')}]`,
        once: `scope:${act.tool}`,
      }),
    );
  } else if (env.coverage === 'insufficient') {
    out.push(
      draft('privilege_laundering.scope_not_granted', {
        confidence: 0.9,
        message: `'${act.tool}' (${act.operation}): the declared scopes [${(env.authority ?? []).join(', ')}] name what it acts on but do not allow ${act.operation}`,
        once: `scope:${act.tool}`,
      }),
    );
  } else if (env.coverage === 'unmentioned' && !env.covers && sideEffect(a)) {
    // (A tool the task's allowed_tools lists by name is inside the envelope whatever its scopes' words.)
    out.push(
      draft('scope_drift.outside_declared_scopes', {
        confidence: 0.9,
        message: `'${act.tool}' (${act.operation}) acts on something none of the declared scopes [${(env.authority ?? []).join(', ')}] names`,
        once: `unscoped:${act.tool}`,
      }),
    );
  }
  return out;
}

export const authority = detector('scope_drift', inspect);
