import { z } from 'zod';
import { EpochMs, FreeText, Id, Name, Severity, boundedArray } from './common';

export const DETECTORS = ['scope_drift', 'tool_chaining', 'data_flow', 'privilege_laundering', 'credential_hygiene', 'rules'] as const;
export const Detector = z.enum(DETECTORS);
export type Detector = z.infer<typeof Detector>;

/** One detection, citing the events that prove it. Published on chainwatch.findings. */
export const Finding = z
  .object({
    schema_version: z.literal(1),
    finding_id: Id,
    ts: EpochMs,
    session_id: Id,
    trace_id: Id,
    agent_type: Name,
    detector: Detector,
    rule_id: Name,
    rule_version: z.number().int().nonnegative(),
    severity: Severity,
    confidence: z.number().min(0).max(1),
    message: FreeText,
    evidence_event_ids: boundedArray(Id, 16),
    tags: boundedArray(Name, 16).default([]),
  })
  .strict();
export type Finding = z.infer<typeof Finding>;

/** A contributing finding as cited by a score or decision. */
export const Reason = z
  .object({
    rule_id: Name,
    rule_version: z.number().int().nonnegative(),
    detector: Detector.optional(),
    severity: Severity.optional(),
    message: FreeText,
    evidence_event_ids: boundedArray(Id, 16),
    contribution: z.number().min(0).max(100).optional(),
  })
  .strict();
export type Reason = z.infer<typeof Reason>;
