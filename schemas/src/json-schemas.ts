import { z } from 'zod';
import { AgentActionEvent } from './agent-action';
import { ApprovalEvent, DecisionRecord, DecisionRequest, DecisionResponse } from './decision';
import { Finding } from './finding';
import { RiskSignal } from './risk-signal';

/** Every contract schema exported as JSON Schema, by file name under schemas/json/. */
export const JSON_SCHEMAS: Record<string, z.ZodType> = {
  'agent-action-event.v1.schema.json': AgentActionEvent,
  'risk-signal.v1.schema.json': RiskSignal,
  'finding.v1.schema.json': Finding,
  'decision-request.v1.schema.json': DecisionRequest,
  'decision-response.v1.schema.json': DecisionResponse,
  'decision-record.v1.schema.json': DecisionRecord,
  'approval-event.v1.schema.json': ApprovalEvent,
};

export function renderJsonSchema(file: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ $id: `https://chainwatch.dev/schemas/${file}`, ...json }, null, 2)}\n`;
}
