/**
 * What every decision target is asked, in the same words: an agent on a read-only task over a
 * project folder, with a few reads behind it (one of them confidential), asks to mail the notes to
 * an outside address. The task declares its envelope (allowed tools and destinations), so every
 * target denies it for the same three facts: a tool outside the allowed tools, a destination
 * outside the allowed destinations, a high-risk tool without approval. Chainwatch also weighs
 * the session (tainted by the confidential read) and the rules; the policy servers only the request.
 */
import type { DetectionEngine } from '@chainwatch/core';
import type { DecisionRequest } from '@chainwatch/schemas';
import { benchEvent } from '../bench-event';

const SESSION = 'bench-session-1';
const TRACE = 'bench-trace-1';
const AGENT = { id: 'agent-bench-1', type: 'file-assistant', spiffe_id: 'spiffe://example.org/ns/agents/sa/files' };
const TASK = {
  id: 'task-bench',
  intent: 'summarise the project folder',
  scopes: ['files.read'],
  allowed_tools: ['list_files', 'read_file', 'search_files', 'get_file'],
  allowed_destinations: ['internal'],
};

/** Tools no task may use without a human's approval, in the policy servers' policies. */
const HIGH_RISK_TOOLS = ['send_email', 'execute_shell', 'transfer_funds', 'iam.create_access_key'] as const;

export const DECISION_REQUEST: DecisionRequest = {
  session_id: SESSION,
  trace_id: TRACE,
  agent: AGENT,
  principal: { sub: 'user:alice', act: [] },
  task: TASK,
  action: {
    kind: 'tool_call',
    tool: 'send_email',
    operation: 'send',
    resource: 'mailto:someone@elsewhere.example',
    destination: 'elsewhere.example',
    args: { to: 'someone@elsewhere.example', subject: 'project notes', body: 'the summary of the project folder' },
  },
};

/** A session with some history: a few reads, one of them confidential (the session is tainted). */
export function warmSession(engine: DetectionEngine): void {
  const t0 = Date.now() - 60_000;
  const tools = ['list_files', 'read_file', 'search_files', 'read_file', 'list_files', 'get_file'];
  tools.forEach((tool, i) => {
    engine.observe(
      benchEvent({
        session_id: SESSION,
        trace_id: TRACE,
        ts: t0 + i * 1000,
        agent: AGENT,
        task: TASK,
        action: { kind: 'tool_call', tool, operation: 'read', resource: `file://projects/doc-${i}.md`, data_class: i === 1 ? 'confidential' : 'internal', args: { path: `projects/doc-${i}.md` } },
      }),
    );
  });
}

/** The same question for Open Policy Agent: the request is OPA's input document. */
export const OPA_POLICY = `package chainwatch

import rego.v1

high_risk_tools := ${JSON.stringify([...HIGH_RISK_TOOLS])}

reasons contains msg if {
	not input.action.tool in input.task.allowed_tools
	msg := sprintf("tool %s is outside the task's allowed tools", [input.action.tool])
}

reasons contains msg if {
	dest := input.action.destination
	dest != "internal"
	not dest in input.task.allowed_destinations
	msg := sprintf("destination %s is outside the task's allowed destinations", [dest])
}

reasons contains msg if {
	input.action.tool in high_risk_tools
	not input.context.user_approved
	msg := sprintf("tool %s needs approval", [input.action.tool])
}

default decision := "allow"

decision := "deny" if count(reasons) > 0

result := {"decision": decision, "reasons": reasons}
`;

export const OPA_PATH = '/v1/data/chainwatch/result';
export const opaBody = (request: DecisionRequest): string => JSON.stringify({ input: request });

/** The same rules for Cerbos: a resource policy whose CEL condition allows the action only inside the envelope. */
export const CERBOS_POLICY = `apiVersion: api.cerbos.dev/v1
resourcePolicy:
  version: default
  resource: agent_action
  rules:
    - actions: ["invoke"]
      effect: EFFECT_ALLOW
      roles: ["*"]
      condition:
        match:
          all:
            of:
              - expr: request.resource.attr.tool in request.resource.attr.allowed_tools
              - expr: request.resource.attr.destination == "internal" || request.resource.attr.destination in request.resource.attr.allowed_destinations
              - expr: '!(request.resource.attr.tool in ${JSON.stringify([...HIGH_RISK_TOOLS])}) || request.resource.attr.user_approved == true'
`;

export const CERBOS_PATH = '/api/check/resources';
export function cerbosBody(request: DecisionRequest): string {
  return JSON.stringify({
    requestId: 'bench',
    principal: { id: request.principal.sub, roles: ['agent'], attr: { agent: request.agent.id } },
    resources: [
      {
        actions: ['invoke'],
        resource: {
          kind: 'agent_action',
          id: request.session_id,
          attr: {
            tool: request.action.tool,
            destination: request.action.destination ?? 'internal',
            allowed_tools: request.task?.allowed_tools ?? [],
            allowed_destinations: request.task?.allowed_destinations ?? [],
            user_approved: request.context?.user_approved ?? false,
          },
        },
      },
    ],
  });
}
