/**
 * Sinks: actions through which data or authority leaves the session's control, and the arguments
 * of theirs that matter (destinations). A send, payment, share or invitation is outward; a read
 * from an outside address contacts that host; a write, deletion or execution aimed at an outside
 * destination acts there.
 */
import type { ActionView } from '../view/action-view';

export type SinkKind = 'outward' | 'contact' | 'remote_effect' | 'execute' | null;

export function sinkKind(a: ActionView): SinkKind {
  const act = a.action;
  if (act.egress || act.operation === 'send') return 'outward';
  if (act.operation === 'execute') return act.destinationExternal ? 'remote_effect' : 'execute';
  if (!act.destinationExternal) return null;
  if (act.operation === 'read') return 'contact';
  if (act.operation === 'write' || act.operation === 'delete') return 'remote_effect';
  return null;
}

/** The action can carry data out of the session's trust boundary. */
export function isSink(a: ActionView): boolean {
  const act = a.action;
  if (act.egress || act.operation === 'execute') return true;
  return (act.operation === 'send' || act.operation === 'write') && act.destinationExternal;
}
