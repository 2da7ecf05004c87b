/** The real detection core with the shipped policy: catalog, scoring policy and the full rule set. */
import { createDetectionEngine, loadDefaultPolicy, type DetectionEngine, type ToolCatalog } from '@chainwatch/core';

export function realEngine(): { engine: DetectionEngine; catalog: ToolCatalog } {
  const { catalog, policy, rules } = loadDefaultPolicy();
  return { engine: createDetectionEngine({ catalog, policy, rules }), catalog };
}
