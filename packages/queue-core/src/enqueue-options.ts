import { z } from 'zod'

/**
 * The ids jobq and BullMQ give jobs, which every route taking a job id accepts: jobq's UUIDs,
 * BullMQ's numeric ids, ids callers chose before jobq 0.2 (letters, digits, `. _ ~ -`), a job
 * scheduler's runs (`repeat:<scheduler id>:<millis>`), and fan-out children (`<parent id>.c<n>`,
 * any depth). At most 256 characters. Anything else (control characters, spaces, `/`, other
 * `:` shapes) is answered 400 without touching Redis.
 */
export const JOB_ID_PATTERN =
  /^(?=.{1,256}$)(?:[A-Za-z0-9][A-Za-z0-9._~-]*|repeat:[A-Za-z0-9._~-]+:\d{1,16}(?:\.c\d{1,9})*)$/

/**
 * Idempotency keys a caller may send as `options.jobId`: 1-255 visible ASCII characters (no
 * spaces or control characters). A key is never part of a job id or of any of BullMQ's keys
 * (see `idempotencyKeyOf`), so `:`, `/` or a BullMQ key name like `active` are harmless.
 */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/** BullMQ's highest priority value. */
const MAX_PRIORITY = 2_097_152

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
      IDEMPOTENCY_KEY_PATTERN,
      'must be 1-255 visible ASCII characters (no spaces or control characters)',
    )
    .optional()
    .describe(
      'idempotency key, not the job id: within the idempotency window (24 h by default) the ' +
        'same key of the same job answers the job it made (created: false, outcome ' +
        'duplicated), even after that job was removed; the id is always made by jobq. Refused ' +
        '(400) by a job that declares dedupe: its dedupe key decides what is a repeat',
    ),
  version: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe(
      "the payload version `data` is written in (see the job's versions); default the job's " +
        'current version. An older version is upcast by the worker before its handler runs',
    ),
  requireWorker: z
    .boolean()
    .optional()
    .describe(
      'refuse (409 no-worker) instead of warning when no live worker can run this version of ' +
        'the job; checked for jobs with versions and whenever this is true',
    ),
})
export type EnqueueOptions = z.infer<typeof enqueueOptionsSchema>

/** True when `id` could name a job ({@link JOB_ID_PATTERN}); else answer 400, touch no Redis. */
export function isValidJobId(id: string): boolean {
  return JOB_ID_PATTERN.test(id)
}
