import { resolveAction, type ToolCatalog } from '@chainwatch/core';
import { dataClassRank, type Action } from '@chainwatch/schemas';

const CONFIDENTIAL = dataClassRank('confidential');

/** Decides whether an action is sensitive for the stale-view fail mode. */
export type SensitivityCheck = (action: Action) => boolean;

/**
 * From the request alone: data classed confidential or above, a send, or any destination other
 * than 'internal'. Used when no tool catalog is available.
 */
export function isSensitiveAction(action: Action): boolean {
  if (action.data_class !== undefined && dataClassRank(action.data_class) >= CONFIDENTIAL) return true;
  if (action.operation === 'send') return true;
  return action.destination !== undefined && action.destination !== '' && action.destination !== 'internal';
}

/**
 * With the policy's tool catalog, resolved exactly as the detection core resolves it (catalog,
 * then inference from the tool name and arguments): confidential or above, egress, or an external
 * destination. A request that names only `send_email` is sensitive even without a destination.
 */
export function catalogSensitivity(catalog: ToolCatalog): SensitivityCheck {
  return (action) => {
    if (isSensitiveAction(action)) return true;
    const resolved = resolveAction(action, catalog);
    return resolved.dataClassRank >= CONFIDENTIAL || resolved.egress || resolved.destinationExternal;
  };
}
