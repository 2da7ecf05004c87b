import { z } from 'zod';

/**
 * Which policy files a process loads (each defaults to the shipped one under shared/core/policy/):
 * the variables every service that runs the detection core reads.
 */
export const PolicyFilesEnv = z.object({
  CHAINWATCH_CATALOG: z.string().min(1).optional(),
  CHAINWATCH_POLICY: z.string().min(1).optional(),
  CHAINWATCH_RULES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .optional(),
});

/** Paths of the policy files to load; an absent one means the shipped file. */
export interface PolicyFiles {
  readonly catalog?: string;
  readonly policy?: string;
  readonly rules?: string[];
}

/** PolicyFilesEnv, parsed, as the paths `loadDefaultPolicy` takes. */
export function policyFilesOf(c: z.infer<typeof PolicyFilesEnv>): PolicyFiles {
  return {
    ...(c.CHAINWATCH_CATALOG ? { catalog: c.CHAINWATCH_CATALOG } : {}),
    ...(c.CHAINWATCH_POLICY ? { policy: c.CHAINWATCH_POLICY } : {}),
    ...(c.CHAINWATCH_RULES ? { rules: c.CHAINWATCH_RULES } : {}),
  };
}
