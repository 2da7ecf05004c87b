/**
 * Loads the shipped policy files (shared/core/policy/): the tool catalog, the risk policy and the
 * rule files (rules/*.yaml). The only functions of the core that touch the file system, besides the explicit
 * loaders they call.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadToolCatalog, type ToolCatalog } from '../catalog/tool-catalog';
import { loadScoringPolicy, type ScoringPolicy } from '../scoring/scoring-policy';
import { loadRuleSet, SHIPPED_RULES_DIR, type RuleSet } from '../rules/index';

export const SHIPPED_POLICY_DIR: string = fileURLToPath(new URL('../../policy/', import.meta.url));
export const SHIPPED_CATALOG_PATH: string = fileURLToPath(new URL('../../policy/catalog.yaml', import.meta.url));
export const SHIPPED_POLICY_PATH: string = fileURLToPath(new URL('../../policy/policy.yaml', import.meta.url));

export interface DefaultPolicyFiles {
  readonly catalog: ToolCatalog;
  readonly policy: ScoringPolicy;
  readonly rules: RuleSet;
}

export function loadDefaultPolicy(paths: { catalog?: string; policy?: string; rules?: readonly string[] } = {}): DefaultPolicyFiles {
  const catalogPath = paths.catalog ?? SHIPPED_CATALOG_PATH;
  const policyPath = paths.policy ?? SHIPPED_POLICY_PATH;
  if (!existsSync(policyPath)) throw new Error(`policy file not found: ${policyPath}`);
  return { catalog: loadToolCatalog(catalogPath), policy: loadScoringPolicy(policyPath), rules: loadRuleSet(paths.rules ?? [SHIPPED_RULES_DIR]) };
}
