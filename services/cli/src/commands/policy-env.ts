import { z } from 'zod';
import { loadDefaultPolicy, type DefaultPolicyFiles } from '@chainwatch/core';
import { withSimulatorTools as addSimulatorTools } from '@chainwatch/simulator';
import { env, parseConfig } from '@chainwatch/runtime';

/** Policy files from the environment: each defaults to the shipped one under shared/core/policy/. */
export const PolicyEnv = z.object({
  CHAINWATCH_CATALOG: z.string().min(1).optional(),
  CHAINWATCH_POLICY: z.string().min(1).optional(),
  CHAINWATCH_RULES: env.list().optional(),
});

export interface LoadedPolicy extends DefaultPolicyFiles {
  /** true when the operator chose the catalog (CHAINWATCH_CATALOG). */
  readonly customCatalog: boolean;
}

export function loadPolicyFromEnv(source: NodeJS.ProcessEnv = process.env): LoadedPolicy {
  const c = parseConfig(PolicyEnv, source);
  const files = loadDefaultPolicy({
    ...(c.CHAINWATCH_CATALOG ? { catalog: c.CHAINWATCH_CATALOG } : {}),
    ...(c.CHAINWATCH_POLICY ? { policy: c.CHAINWATCH_POLICY } : {}),
    ...(c.CHAINWATCH_RULES ? { rules: c.CHAINWATCH_RULES } : {}),
  });
  return { ...files, customCatalog: c.CHAINWATCH_CATALOG !== undefined };
}

/**
 * The all-in-one demo mode scores the built-in simulator's traffic: its tools (repo.search,
 * ledger.query, ...) join the shipped catalog, without overriding any entry the catalog has.
 */
export function withSimulatorTools(policy: LoadedPolicy): LoadedPolicy {
  if (policy.customCatalog) return policy;
  return { ...policy, catalog: addSimulatorTools(policy.catalog) };
}
