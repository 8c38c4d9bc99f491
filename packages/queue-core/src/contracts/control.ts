import { z } from 'zod'
import { JOB_ID_PATTERN } from '../enqueue-options.js'

/** What cancel did: removed a job that had not started, or asked its worker to stop it. */
export const CancelOutcome = z
  .object({ id: z.string(), outcome: z.enum(['removed', 'cancelling']) })
  .meta({ id: 'CancelOutcome' })
export type CancelOutcome = z.output<typeof CancelOutcome>

/** What retrying one failed job answers: it is waiting again, with a fresh set of attempts. */
export const RetryOutcome = z
  .object({ id: z.string(), state: z.literal('waiting') })
  .meta({ id: 'RetryOutcome' })
export type RetryOutcome = z.output<typeof RetryOutcome>

/** Most ids one requeue request may name. */
export const MAX_REQUEUE_IDS = 1_000

/**
 * What to requeue (RQ's `requeue`): `ids`, each a failed job of the queue; absent, every failed
 * job of the queue. Unknown keys: 400.
 */
export const RequeueRequest = z.strictObject({
  ids: z
    .array(z.string().regex(JOB_ID_PATTERN, 'is not a job id'))
    .min(1)
    .max(MAX_REQUEUE_IDS)
    .optional()
    .describe(
      'only these jobs, each a failed job of this queue (else 404/409 and none is requeued); ' +
        'absent: every failed job of the queue',
    ),
})
export type RequeueRequest = z.output<typeof RequeueRequest>
