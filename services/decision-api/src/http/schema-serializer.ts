import fastJson from 'fast-json-stringify';
import { z } from 'zod';

/**
 * A JSON serializer generated from a contract schema: fast-json-stringify compiles the zod
 * schema's JSON Schema into a function that writes exactly the contract's fields, in its order,
 * without inspecting each value's shape the way JSON.stringify does. For values our own code
 * builds to the contract's type (the decision answer, the decision-log record); tests compare
 * its output with JSON.stringify's.
 */
export function compileSerializer<T>(schema: z.ZodType<T>): (value: T) => string {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return fastJson(json as unknown as Parameters<typeof fastJson>[0]) as (value: T) => string;
}
