import { z } from 'zod';
import { EpochMs, FreeText, Id, Name, Severity, boundedArray } from './common';

export const DETECTORS = ['scope_drift', 'tool_chaining', 'data_flow', 'privilege_laundering', 'credential_hygiene', 'rules'] as const;
export const Detector = z.enum(DETECTORS).describe('The detector that raised a finding.');
export type Detector = z.infer<typeof Detector>;

/** One detection, citing the events that prove it. Published on chainwatch.findings. */
export const Finding = z
  .object({
    schema_version: z.literal(1).describe('Version of this record: 1.'),
    finding_id: Id.describe('Deterministic id of the finding (rule, session, evidence): re-processing yields the same id.'),
    ts: EpochMs.describe('Time of the event that raised it, epoch milliseconds.'),
    session_id: Id.describe('The session the finding is about.'),
    trace_id: Id.describe('The trace of that session.'),
    agent_type: Name.describe('The agent type of the session.'),
    detector: Detector.describe('The detector that raised it, or rules for a YAML rule.'),
    rule_id: Name.describe('Id of the rule in the shared registry of detector findings and YAML rules (overrides address it).'),
    rule_version: z.number().int().nonnegative().describe('Version of the rule.'),
    severity: Severity.describe('low, medium, high or critical.'),
    confidence: z.number().min(0).max(1).describe('How sure the detector is, 0–1; the score weighs severity by confidence.'),
    message: FreeText.describe('Human-readable explanation, citing its evidence.'),
    evidence_event_ids: boundedArray(Id, 16).describe('The events that prove it (at most 16).'),
    tags: boundedArray(Name, 16).default([]).describe('Tags of the rule (e.g. OWASP agentic threat ids).'),
  })
  .strict()
  .describe('One detection, citing the events that prove it (chainwatch.findings).');
export type Finding = z.infer<typeof Finding>;

/** A contributing finding as cited by a score or decision. */
export const Reason = z
  .object({
    rule_id: Name.describe('Id of the rule or detector finding (or approval.* / view.stale.* for operational reasons).'),
    rule_version: z.number().int().nonnegative().describe('Version of the rule.'),
    detector: Detector.optional().describe('The detector that raised it.'),
    severity: Severity.optional().describe('Severity of the finding.'),
    message: FreeText.describe('Human-readable explanation, citing its evidence.'),
    evidence_event_ids: boundedArray(Id, 16).describe('The events the reason rests on.'),
    contribution: z.number().min(0).max(100).optional().describe('Points this reason adds to the score.'),
  })
  .strict()
  .describe('A contributing finding as cited by a score or decision.');
export type Reason = z.infer<typeof Reason>;
