import { z } from 'zod';
import { ERRORS, type ErrorCode } from '@chainwatch/runtime';

/** One validation problem, as returned to callers (zod issue, path joined). */
export const ErrorIssue = z.object({ path: z.string(), message: z.string(), code: z.string().optional() });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** The one error shape every endpoint returns. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retriable: z.boolean(),
    issues: z.array(ErrorIssue).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(code: ErrorCode, message?: string, issues?: readonly ErrorIssue[]): ErrorBody {
  const entry = ERRORS[code];
  return {
    error: {
      code,
      message: message ?? entry.message,
      retriable: entry.retriable,
      ...(issues && issues.length > 0 ? { issues: [...issues] } : {}),
    },
  };
}
