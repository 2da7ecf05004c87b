import { loadDefaultPolicy, type DefaultPolicyFiles } from '@chainwatch/core';
import type { PolicyFiles } from '@chainwatch/runtime';
import { withSimulatorTools } from '@chainwatch/simulator';

/**
 * The policy of `chainwatch start`: the configured files (the shipped ones by default). With the
 * shipped catalog, the built-in simulator's tools (repo.search, ledger.query, ...) join it without
 * overriding any entry, so that `--simulate` and `chainwatch simulate` traffic is scored; a
 * catalog the operator chose (CHAINWATCH_CATALOG) is used as it is.
 */
export function loadDemoPolicy(files: PolicyFiles): DefaultPolicyFiles {
  const policy = loadDefaultPolicy(files);
  return files.catalog !== undefined ? policy : { ...policy, catalog: withSimulatorTools(policy.catalog) };
}
