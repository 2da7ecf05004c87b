/**
 * Deterministic traffic generator (pure: no I/O, no clock): realistic AgentActionEvents of
 * several agent types, multi-agent traces with delegation, mostly benign work, and labelled attack
 * scenarios, at least one per detector. The label (scenario, expected detections) travels beside
 * the events, never inside them. `@chainwatch/core/simulator`.
 */
export { createSimulator, DEFAULT_SUITE, scenarioNames, SCENARIOS, type Simulator, type SimulatorOptions } from './simulator';
export { SHELL_GOALS, SHELL_SCENARIOS, SHELL_VECTORS } from './shell-scenarios';
export { SHELL_TOOL_NAMES } from './shell-workloads';
export type { ExpectedDetection, GeneratedTrace, ScenarioDefinition, ScenarioLabel } from './scenario';
export { createRng, type Rng } from './prng';
export { SIM_AGENT_TYPES, SIM_ORG_DOMAINS, SIM_TOOLS, simulatorCatalog, withSimulatorTools, type SimAgentType, type SimToolName } from './sim-tools';
export { generateCorpus, suiteScenarios, type Corpus, type CorpusLabel, type CorpusOptions } from './corpus';
