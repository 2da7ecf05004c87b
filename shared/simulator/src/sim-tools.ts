import type { ActionKind, DataClass, Operation } from '@chainwatch/schemas';
import { ToolCatalog } from '@chainwatch/core';

/** A tool the simulated agents call, described as the tool catalog would describe it. */
export interface SimTool {
  readonly kind: ActionKind;
  readonly operation: Operation;
  readonly dataClass: DataClass;
  readonly egress: boolean;
  readonly scopes: readonly string[];
  readonly destinationArgs?: readonly string[];
  readonly resultTrust?: 'internal' | 'external';
  readonly description: string;
}

/** Organisation-owned domains of the simulated company. */
export const SIM_ORG_DOMAINS = ['example.com', 'corp.example.com'] as const;
export const SIM_TRUST_DOMAIN = 'example.org';

export const SIM_TOOLS = {
  'kb.search': { kind: 'tool_call', operation: 'read', dataClass: 'public', egress: false, scopes: ['kb.read'], description: 'search the help-centre knowledge base' },
  'tickets.get': { kind: 'data_access', operation: 'read', dataClass: 'internal', egress: false, scopes: ['tickets.read'], description: 'read a support ticket' },
  'tickets.update': { kind: 'tool_call', operation: 'write', dataClass: 'internal', egress: false, scopes: ['tickets.write'], description: 'update a support ticket' },
  'crm.lookup_customer': { kind: 'data_access', operation: 'read', dataClass: 'confidential', egress: false, scopes: ['crm.read'], description: 'read one customer record' },
  'crm.export_customers': { kind: 'data_access', operation: 'read', dataClass: 'restricted', egress: false, scopes: ['crm.export'], description: 'export customer records in bulk' },
  'email.send': { kind: 'tool_call', operation: 'send', dataClass: 'internal', egress: true, scopes: ['email.send'], destinationArgs: ['to'], description: 'send an e-mail' },
  'chat.post_message': { kind: 'message', operation: 'send', dataClass: 'internal', egress: false, scopes: ['chat.write'], destinationArgs: ['channel'], description: 'post to an internal chat channel' },
  'repo.search': { kind: 'tool_call', operation: 'read', dataClass: 'internal', egress: false, scopes: ['repo.read'], description: 'search source code' },
  'repo.read_file': { kind: 'data_access', operation: 'read', dataClass: 'internal', egress: false, scopes: ['repo.read'], description: 'read a source file' },
  'repo.write_file': { kind: 'tool_call', operation: 'write', dataClass: 'internal', egress: false, scopes: ['repo.write'], description: 'write a source file' },
  'ci.run_tests': { kind: 'tool_call', operation: 'execute', dataClass: 'internal', egress: false, scopes: ['ci.run'], description: 'run the test suite in CI' },
  'secrets.get': { kind: 'data_access', operation: 'read', dataClass: 'secret', egress: false, scopes: ['secrets.read'], description: 'read a secret from the vault' },
  'iam.create_access_key': { kind: 'tool_call', operation: 'write', dataClass: 'secret', egress: false, scopes: ['iam.admin'], description: 'create a cloud access key' },
  'ledger.query': { kind: 'data_access', operation: 'read', dataClass: 'confidential', egress: false, scopes: ['ledger.read'], description: 'query the general ledger' },
  'invoices.list': { kind: 'data_access', operation: 'read', dataClass: 'internal', egress: false, scopes: ['invoices.read'], description: 'list supplier invoices' },
  'reports.generate': { kind: 'tool_call', operation: 'write', dataClass: 'internal', egress: false, scopes: ['reports.write'], description: 'render an internal report' },
  'payments.create_transfer': { kind: 'tool_call', operation: 'send', dataClass: 'confidential', egress: true, scopes: ['payments.write'], destinationArgs: ['iban'], description: 'create a bank transfer' },
  'web.search': { kind: 'tool_call', operation: 'read', dataClass: 'public', egress: false, scopes: ['web.read'], resultTrust: 'external', description: 'search the public web' },
  'web.fetch': { kind: 'tool_call', operation: 'read', dataClass: 'public', egress: false, scopes: ['web.read'], destinationArgs: ['url'], resultTrust: 'external', description: 'fetch a public web page' },
  'notes.write': { kind: 'tool_call', operation: 'write', dataClass: 'internal', egress: false, scopes: ['notes.write'], description: 'write to the shared notes store' },
  'http.post': { kind: 'tool_call', operation: 'send', dataClass: 'internal', egress: true, scopes: ['net.egress'], destinationArgs: ['url'], description: 'POST to an arbitrary URL' },
  'agent.delegate': { kind: 'delegation', operation: 'delegate', dataClass: 'internal', egress: false, scopes: [], description: 'hand a sub-task to another agent' },
  'planner.plan': { kind: 'tool_call', operation: 'read', dataClass: 'internal', egress: false, scopes: [], description: 'plan the sub-tasks of a request' },
} as const satisfies Record<string, SimTool>;

export type SimToolName = keyof typeof SIM_TOOLS;

/** Agent types the simulator runs, with their workload and namespace. */
export const SIM_AGENT_TYPES = ['support-assistant', 'coding-agent', 'finance-agent', 'research-agent', 'orchestrator', 'ops-agent'] as const;
export type SimAgentType = (typeof SIM_AGENT_TYPES)[number];

export const SIM_AGENT_NAMESPACE: Record<SimAgentType, string> = {
  'support-assistant': 'support',
  'coding-agent': 'engineering',
  'finance-agent': 'finance',
  'research-agent': 'research',
  orchestrator: 'platform',
  'ops-agent': 'operations',
};

export const SIM_AGENT_MODEL: Record<SimAgentType, string> = {
  'support-assistant': 'gpt-4.1-mini',
  'coding-agent': 'claude-sonnet-4',
  'finance-agent': 'gpt-4.1',
  'research-agent': 'gemini-2.5-pro',
  orchestrator: 'claude-opus-4',
  'ops-agent': 'gpt-4.1',
};

/**
 * The tool catalog matching the simulated tools, in the shape of the core's ToolCatalog (YAML
 * field names), so an engine built with it knows required scopes, egress and destinations.
 */
export function simulatorCatalog(): {
  version: string;
  org_domains: string[];
  tools: Record<string, { operation: Operation; data_class: DataClass; egress: boolean; scopes: string[]; destination_args: string[]; result_trust?: 'internal' | 'external'; description: string }>;
} {
  const tools: ReturnType<typeof simulatorCatalog>['tools'] = {};
  for (const [name, t] of Object.entries(SIM_TOOLS) as Array<[string, SimTool]>) {
    tools[name] = {
      operation: t.operation,
      data_class: t.dataClass,
      egress: t.egress,
      scopes: [...t.scopes],
      destination_args: [...(t.destinationArgs ?? [])],
      ...(t.resultTrust ? { result_trust: t.resultTrust } : {}),
      description: t.description,
    };
  }
  return { version: 'simulator-1', org_domains: [...SIM_ORG_DOMAINS], tools };
}

/**
 * `catalog` with the simulator's tools added, so an engine scores simulated traffic with real
 * catalog entries: the catalog's own entries win on a name clash.
 */
export function withSimulatorTools(catalog: ToolCatalog): ToolCatalog {
  const sim = simulatorCatalog();
  return ToolCatalog.parse({
    ...catalog,
    version: `${catalog.version}+${sim.version}`,
    org_domains: [...new Set([...catalog.org_domains, ...sim.org_domains])],
    tools: { ...sim.tools, ...catalog.tools },
  });
}
