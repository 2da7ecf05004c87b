/**
 * Names for the schemas the OpenAPI document lists under components.schemas (and references with
 * $ref). Registered once, when the decision API is loaded, in zod's global registry, which
 * fastify-type-provider-zod reads; only top-level request and response shapes are named.
 */
import { z } from 'zod';
import { DecisionRequest, DecisionResponse } from '@chainwatch/schemas';
import { ErrorBody } from './error-body';
import { IngestResult } from '../routes/events';
import { SessionRisk, SessionRiskList, SessionRiskQuery } from '../routes/session-risk';

const NAMED: readonly [z.ZodType, string, string][] = [
  [DecisionRequest, 'DecisionRequest', 'A prospective agent action to decide on'],
  [DecisionResponse, 'DecisionResponse', 'allow / step_up / deny with score, reasons and obligations'],
  [ErrorBody, 'ErrorBody', 'Every error: a stable code (docs/errors.md), a message, whether a retry can help, and validation issues'],
  [IngestResult, 'IngestResult', 'Lines accepted, and every rejected line with its number and reason'],
  [SessionRisk, 'SessionRisk', "A session's latest score, level and reasons from the live view"],
  [SessionRiskQuery, 'SessionRiskQuery', 'Sessions to look up at once'],
  [SessionRiskList, 'SessionRiskList', 'Latest risk of the sessions asked for'],
];

for (const [schema, id, description] of NAMED) {
  const known = z.globalRegistry.get(schema);
  if (known?.id !== id) z.globalRegistry.add(schema, { ...known, id, description });
}
