import { randomUUID } from 'node:crypto';
import { AgentActionEvent, type AgentActionEventInput } from '@chainwatch/schemas';

type Overrides = Partial<Omit<AgentActionEventInput, 'agent' | 'task' | 'action'>> & {
  readonly agent?: Partial<AgentActionEventInput['agent']>;
  readonly task?: Partial<NonNullable<AgentActionEventInput['task']>>;
  readonly action?: Partial<AgentActionEventInput['action']>;
};

/** A schema-valid AgentActionEvent for the benches; `agent`, `task` and `action` are merged one level deep. */
export function benchEvent(overrides: Overrides = {}): AgentActionEvent {
  const base: AgentActionEventInput = {
    schema_version: 1,
    event_id: randomUUID(),
    ts: Date.now(),
    session_id: 'sess-1',
    trace_id: 'trace-1',
    parent_session_id: null,
    agent: { id: 'agent-planner-1', type: 'planner', spiffe_id: 'spiffe://example.org/ns/agents/sa/planner' },
    principal: { sub: 'user:alice', act: [] },
    task: { id: 'task-1', intent: 'summarise the quarterly report', scopes: ['docs:read'] },
    action: { kind: 'tool_call', tool: 'docs.search', operation: 'read', resource: 'doc://reports/q3', data_class: 'internal' },
  };
  return AgentActionEvent.parse({
    ...base,
    ...overrides,
    agent: { ...base.agent, ...overrides.agent },
    task: { ...base.task, ...overrides.task },
    action: { ...base.action, ...overrides.action },
  });
}
