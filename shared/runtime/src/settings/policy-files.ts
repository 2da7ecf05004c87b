import { existsSync } from 'node:fs';
import { z } from 'zod';

const EXISTS = { message: 'no such file or directory' };
const Path = z.string().min(1).refine((p) => existsSync(p), EXISTS);

/**
 * Which policy files a process loads (each defaults to the shipped one under shared/core/policy/):
 * the variables every service that runs the detection core reads. A path that does not exist is
 * a configuration error naming its variable, before anything starts.
 */
export const PolicyFilesEnv = z.object({
  CHAINWATCH_CATALOG: Path.optional(),
  CHAINWATCH_POLICY: Path.optional(),
  /** Rule files or directories, comma-separated, loaded in order. */
  CHAINWATCH_RULES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(Path).min(1))
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
