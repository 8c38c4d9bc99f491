import { z } from 'zod'

/**
 * Ids a caller may choose (idempotency keys). BullMQ refuses `:` and all-digit ids; we also keep
 * them URL-safe so `GET /v1/jobs/:id` never needs escaping.
 */
export const JOB_ID_PATTERN = /^(?!\d+$)[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/

/** BullMQ's highest priority value. */
export const MAX_PRIORITY = 2_097_152

const MAX_DELAY_MS = 365 * 24 * 3_600_000

/** Per-enqueue options; unknown keys are rejected so a typo never passes silently. */
export const enqueueOptionsSchema = z.strictObject({
  delay: z.number().int().min(0).max(MAX_DELAY_MS).optional().describe('ms before the job may run'),
  priority: z
    .number()
    .int()
    .min(0)
    .max(MAX_PRIORITY)
    .optional()
    .describe(
      'lower runs first (1 is the highest); 0 or absent = none. A job without a priority runs ' +
        'before every prioritised job of its queue (BullMQ since v4)',
    ),
  attempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('tries in all, the first included'),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(MAX_DELAY_MS)
    .optional()
    .describe("abort the handler after this many ms; overrides the definition's timeoutMs"),
  jobId: z
    .string()
    .regex(
      JOB_ID_PATTERN,
      'must be 1-128 letters, digits, . _ ~ - (not only digits, starting with a letter or digit)',
    )
    .optional()
    .describe('idempotency key: the same jobId never makes a second job'),
})
export type EnqueueOptions = z.infer<typeof enqueueOptionsSchema>

/** True when `id` could name a job; anything else is answered 400 without touching Redis. */
export function isValidJobId(id: string): boolean {
  return JOB_ID_PATTERN.test(id)
}
