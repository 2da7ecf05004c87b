import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { DecisionRequest, LIMITS, isWellFormed, jsonBoundsViolation } from '@chainwatch/schemas';

/**
 * The decision request's validator on the request path, generated from the contract: the JSON
 * Schema of the zod `DecisionRequest` (the one published under schemas/json/), compiled once by
 * ajv into a function, plus the two checks JSON Schema cannot say, which the contract makes with
 * zod refinements: every string (and tool-argument key) is well-formed Unicode, and the tool
 * arguments stay within their nesting and serialised-size bounds. About a tenth of the cost of
 * parsing with zod on every request (see docs/benchmarks.md).
 *
 * It only ever answers "valid": whatever it does not accept is handed to the zod schema, which
 * decides and words the error (so error bodies are those of the contract). A test runs both
 * over valid, invalid and randomly mutated requests and requires the same verdict, and fails when
 * the contract gains a refinement this file does not know.
 *
 * On success the request is the parsed body itself, with the contract's defaults filled in (ajv
 * `useDefaults`), like zod's output; lengths count code points and patterns run without the `u`
 * flag, as in zod.
 */
export function compileDecisionRequestCheck(): (body: unknown) => body is DecisionRequest {
  const ajv = new Ajv2020({ strict: false, allErrors: false, useDefaults: true, unicodeRegExp: false, validateFormats: false, messages: false });
  const structure = ajv.compile(z.toJSONSchema(DecisionRequest, { io: 'input', unrepresentable: 'any' }));
  return (body: unknown): body is DecisionRequest => {
    if (!structure(body)) return false;
    const args = (body as DecisionRequest).action.args;
    if (args !== undefined && jsonBoundsViolation(args, { maxDepth: LIMITS.argsDepth, maxLength: LIMITS.argsBytes }) !== null) return false;
    return everyStringWellFormed(body);
  };
}

/** Every string value and object key in a JSON value is well-formed Unicode (no lone surrogates). Iterative. */
export function everyStringWellFormed(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return false;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const key in v) {
        if (!isWellFormed(key)) return false;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}
