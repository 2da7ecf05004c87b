import { z } from 'zod';

/**
 * A Kafka topic name: 1 to 249 of `[a-zA-Z0-9._-]`, not `.` or `..` (Kafka's own rule; a bad name
 * would otherwise fail at the first produce or subscribe, far from the variable that set it).
 */
export const TopicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'must be 1 to 249 characters of a-z A-Z 0-9 . _ -' })
  .refine((t) => t !== '.' && t !== '..', { message: 'cannot be . or ..' });
