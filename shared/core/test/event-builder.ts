/** Builds valid AgentActionEvents and DecisionRequests for unit tests. */
import { randomUUID } from 'node:crypto';
import { AgentActionEvent, type AgentActionEventInput, type DecisionRequest } from '@chainwatch/schemas';

export const T0 = 1_767_225_600_000;

type Overrides = Partial<Omit<AgentActionEventInput, 'action' | 'task'>> & {
  action?: Partial<AgentActionEventInput['action']>;
  task?: Partial<AgentActionEventInput['task']>;
};

export function event(tool: string, o: Overrides = {}): AgentActionEvent {
  const { action, task, ...rest } = o;
  return AgentActionEvent.parse({
    schema_version: 1,
    event_id: randomUUID(),
    ts: T0,
    session_id: 's-1',
    trace_id: 't-1',
    parent_session_id: null,
    agent: { id: 'agent-1', type: 'assistant', spiffe_id: 'spiffe://example.org/ns/a/sa/assistant' },
    principal: { sub: 'alice', act: [] },
    ...rest,
    task: { id: 'task-1', scopes: [], ...task },
    action: { kind: 'tool_call', tool, ...action },
  });
}

/** The prospective request an enforcement point would send before running `e` (no result fields). */
export function requestFor(e: AgentActionEvent): DecisionRequest {
  const { result_entities: _re, result_bytes: _rb, result_error: _rr, ...action } = e.action;
  return {
    session_id: e.session_id,
    trace_id: e.trace_id,
    parent_session_id: e.parent_session_id,
    agent: e.agent,
    principal: e.principal,
    task: e.task,
    action,
    ...(e.credential !== undefined ? { credential: e.credential } : {}),
    ...(e.context !== undefined ? { context: e.context } : {}),
  };
}

export function entities(p: { emails?: string[]; urls?: string[]; domains?: string[]; ibans?: string[] }) {
  return { emails: p.emails ?? [], urls: p.urls ?? [], domains: p.domains ?? [], ibans: p.ibans ?? [], phones: [] };
}
