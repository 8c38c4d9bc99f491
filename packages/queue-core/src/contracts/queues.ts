import { z } from 'zod'
import { JOB_STATES } from '../job-state.js'
import { JobState } from './job-state.js'

/** A queue at a glance: what `GET /v1/queues` and `jobq info` show. */
export const QueueSummary = z
  .object({
    name: z.string(),
    paused: z.boolean(),
    counts: z.record(JobState, z.number().int()),
    backlog: z
      .number()
      .int()
      .describe(
        'jobs that could run now: waiting + prioritized + delayed whose time has come; ' +
          '0 while the queue is paused (its jobs still show in `counts`)',
      ),
    workers: z.number().int().describe('live worker processes serving this queue'),
  })
  .meta({ id: 'QueueSummary' })
export type QueueSummary = z.output<typeof QueueSummary>

/** Every queue of the registry. */
export const QueueList = z.object({ queues: z.array(QueueSummary) })
export type QueueList = z.output<typeof QueueList>

/** A queue name in a path. */
export const QueueParam = z.object({ queue: z.string().meta({ example: 'default' }) })

/** What an admin action on one queue answers: the queue as it is now, and how many jobs it moved. */
export const QueueActionOutcome = z
  .object({
    queue: QueueSummary,
    affected: z
      .number()
      .int()
      .optional()
      .describe('jobs the action moved or removed (retry, empty, clean)'),
  })
  .meta({ id: 'QueueActionOutcome' })
export type QueueActionOutcome = z.output<typeof QueueActionOutcome>

/** What requeueing failed jobs answers: the queue now, `affected` = jobs requeued. */
export const RequeueOutcome = z
  .object({ queue: QueueSummary, affected: z.number().int().describe('jobs requeued') })
  .meta({ id: 'RequeueOutcome' })
export type RequeueOutcome = z.output<typeof RequeueOutcome>

/** States `clean` can remove jobs of: not `active` (cancel those instead). */
export const CLEANABLE_STATES = JOB_STATES.filter(
  (state): state is Exclude<(typeof JOB_STATES)[number], 'active'> => state !== 'active',
)

/** Which jobs `clean` removes: those in `state` older than `olderThanMs`. Unknown keys: 400. */
export const CleanRequest = z.strictObject({
  state: z.enum(CLEANABLE_STATES).describe('not active: cancel running jobs instead'),
  olderThanMs: z
    .number()
    .int()
    .min(0)
    .describe('finished (or, for waiting and delayed, created) more than this many ms ago'),
})
export type CleanRequest = z.output<typeof CleanRequest>

/** What `clean` answers: the queue now, and how many jobs it removed. */
export const CleanOutcome = z
  .object({ queue: QueueSummary, affected: z.number().int().describe('jobs removed') })
  .meta({ id: 'CleanOutcome' })
export type CleanOutcome = z.output<typeof CleanOutcome>
