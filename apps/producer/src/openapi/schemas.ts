import { z } from 'zod'
import { enqueueOptionsSchema, JOB_STATES } from '@jobq/queue-core'

/** Response and envelope schemas shared by the routes; `.meta({ id })` ones are components. */

export const JobState = z.enum(JOB_STATES).meta({ id: 'JobState' })

export const Problem = z
  .object({
    type: z.string().meta({ example: '/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })

export const EnqueueOptions = enqueueOptionsSchema

export const EnqueuedJob = z
  .object({
    id: z.string().describe('the job id, made by jobq (never the idempotency key)'),
    name: z.string(),
    queue: z.string(),
    state: z
      .union([JobState, z.literal('removed')])
      .describe('`removed`: the key made this job, which has since been removed'),
    enqueuedAt: z.iso.datetime(),
    created: z
      .boolean()
      .describe('false when this idempotency key (jobId) had made a job within its window'),
  })
  .meta({ id: 'EnqueuedJob' })

export const BulkEnqueued = z
  .object({
    ids: z.array(z.string()).describe('the job id of each item, in order'),
    created: z
      .array(z.boolean())
      .describe(
        'per item: false when its idempotency key had made a job before (or earlier in this bulk)',
      ),
  })
  .meta({ id: 'BulkEnqueued' })

export const AttemptEntry = z
  .object({
    attempt: z
      .number()
      .int()
      .min(1)
      .describe('start sequence, 1-based; never reset, not by a retry'),
    workerId: z.string(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable(),
    outcome: z
      .enum(['running', 'completed', 'failed', 'interrupted', 'handed-back', 'waiting-children'])
      .describe(
        'interrupted: its worker stopped holding the lock (killed, crashed, lost Redis); ' +
          'handed-back: a shutdown whose grace ran out gave it back to the queue; ' +
          'waiting-children: the run parked the job until its fan-out children finished ' +
          '(the run after them is the same attempt)',
      ),
    reason: z.string().nullable(),
  })
  .meta({ id: 'AttemptEntry' })

export const JobView = z
  .object({
    id: z.string(),
    name: z.string(),
    queue: z.string(),
    state: JobState,
    data: z.unknown(),
    progress: z.union([z.number(), z.string(), z.boolean(), z.record(z.string(), z.unknown())]),
    result: z.unknown().describe('the job’s output: see `<job name>.result` in the registry'),
    failedReason: z
      .string()
      .nullable()
      .describe(
        'why the last attempt failed, as readable text whatever the handler threw; at most 8 KiB ' +
          'of UTF-8 (a longer one ends "… [truncated: N more bytes]"); the SSE `failed` event ' +
          'carries the same',
      ),
    attemptsMade: z.number().int(),
    attemptsStarted: z
      .number()
      .int()
      .describe(
        'attempts a worker took up, including ones cut off by a crash, a lost lock or a ' +
          'shutdown: every start counts against `attempts`',
      ),
    stalledCount: z
      .number()
      .int()
      .describe('times the job was found stalled (its worker died) and run again'),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    workerId: z.string().nullable().describe('the worker that ran the last attempt'),
    history: z
      .array(AttemptEntry)
      .optional()
      .describe(
        'every start of the job by a worker, oldest first, kept across retries (not in lists)',
      ),
  })
  .meta({ id: 'Job' })

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

export const JobIdParam = z.object({
  id: z
    .string()
    .describe(
      'a job id as enqueue or a list answered: a UUID, `repeat:<scheduler>:<millis>` (a ' +
        "schedule's run), `<parent id>.c<n>` (a fan-out child), or numeric",
    )
    .meta({ example: '5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d' }),
})

export const QueueParam = z.object({ queue: z.string().meta({ example: 'default' }) })

/** The answers every route may give on a bad request, a missing token, or Redis away. */
export const commonErrors = {
  400: problemResponse('the request is invalid; `errors` names each issue'),
  401: problemResponse('missing or wrong bearer token (when JOBQ_API_TOKENS is set)'),
  503: problemResponse(
    'Redis is unreachable or refuses the command (read-only replica, loading, replica without ' +
      'its primary, busy script, credentials or ACL): `type` is `/problems/backend-unavailable`, ' +
      '`detail` names the cause; retry after `Retry-After` seconds',
  ),
  507: problemResponse(
    'Redis is full (maxmemory reached with `noeviction`) and refuses writes: ' +
      '`/problems/backend-out-of-memory`; reads still work. Retry after `Retry-After` seconds, ' +
      'once retention or `POST /v1/queues/{queue}/empty` has freed memory',
  ),
}

export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Problem } } }
}

export function jsonResponse(description: string, schema: z.ZodType) {
  return { description, content: { 'application/json': { schema } } }
}
