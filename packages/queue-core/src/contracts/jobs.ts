import { z } from 'zod'
import { enqueueOptionsSchema } from '../enqueue-options.js'
import { decimalInt } from './integers.js'
import { JobState } from './job-state.js'

export { JobState } from './job-state.js'

/** Per-enqueue options: delay, priority, attempts, timeoutMs, jobId (an idempotency key). */
export const EnqueueOptions = enqueueOptionsSchema
export type EnqueueOptions = z.output<typeof EnqueueOptions>

/** How one start of a job by a worker ended; `running` while it has not. */
export const AttemptOutcome = z
  .enum(['running', 'completed', 'failed', 'interrupted', 'handed-back', 'waiting-children'])
  .describe(
    'interrupted: its worker stopped holding the lock (killed, crashed, lost Redis); ' +
      'handed-back: a shutdown whose grace ran out gave it back to the queue; ' +
      'waiting-children: the run parked the job until its fan-out children finished ' +
      '(the run after them is the same attempt)',
  )
export type AttemptOutcome = z.output<typeof AttemptOutcome>

/** One start of a job by a worker (`history` of a job). Times are ISO-8601. */
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
    outcome: AttemptOutcome,
    reason: z.string().nullable(),
  })
  .meta({ id: 'AttemptEntry' })
export type AttemptEntry = z.output<typeof AttemptEntry>

/** A job's progress: what its handler last reported (a number, a word, or an object). */
const Progress = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  // `object` as BullMQ types it (arrays too); `type` documents it where no converter can.
  z.custom<object>((value) => typeof value === 'object' && value !== null).meta({ type: 'object' }),
])

/** A job as callers see it (HTTP, CLI, client). Times are ISO-8601 strings or null. */
export const JobView = z
  .object({
    id: z.string(),
    name: z.string(),
    queue: z.string(),
    state: JobState,
    data: z.unknown(),
    version: z
      .number()
      .int()
      .min(1)
      .describe(
        'the payload version `data` was validated against (1 for a job without versions); a ' +
          'worker upcasts an older one before its handler runs',
      ),
    progress: Progress,
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
export type JobView = z.output<typeof JobView>

/** The body of an enqueue: the job's input (`data`) and per-enqueue options. Unknown keys: 400. */
export const EnqueueRequest = z.strictObject({
  data: z.unknown(),
  options: EnqueueOptions.optional(),
})
export type EnqueueRequest = z.output<typeof EnqueueRequest>

/** What one enqueue did, in BullMQ's terms (its events `duplicated` and `deduplicated`). */
export const EnqueueOutcome = z
  .enum(['created', 'duplicated', 'deduplicated', 'replaced'])
  .describe(
    'created: a new job; duplicated: this idempotency key (jobId) made job `id` before, within ' +
      'its window, no new job; deduplicated: the job declares `dedupe` and its key is held by ' +
      'job `id` (dedupe, throttle; or debounce once that job is no longer pending), no new job; ' +
      'replaced: debounce: a new job, which removed the pending job `replacedId`',
  )
export type EnqueueOutcome = z.output<typeof EnqueueOutcome>

/** What enqueue answers. */
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
      .describe(
        'false when no job was made now: its idempotency key (jobId) or its dedupe key already ' +
          'had one (see outcome)',
      ),
    outcome: EnqueueOutcome,
    replacedId: z
      .string()
      .optional()
      .describe('with outcome `replaced`: the id of the pending job this one removed'),
    warning: z
      .string()
      .optional()
      .describe(
        'set when no live worker can run this version of the job: the job waits for one ' +
          '(also sent as the `Jobq-Warning` header)',
      ),
  })
  .meta({ id: 'EnqueuedJob' })
export type EnqueuedJob = z.output<typeof EnqueuedJob>

/** One item of a bulk enqueue. */
export const BulkItem = EnqueueRequest
export type BulkItem = z.output<typeof BulkItem>

/**
 * The body of a bulk enqueue: `items`, or `count` copies of one `data` (the seeds' `/task?n=`).
 * All or nothing.
 */
export const BulkRequest = z.union([
  z.strictObject({ items: z.array(BulkItem) }),
  z.strictObject({
    count: z.number().int().min(1),
    data: z.unknown(),
    options: EnqueueOptions.optional(),
  }),
])
export type BulkRequest = z.output<typeof BulkRequest>

/** What a bulk enqueue answers: per item, in order, its job id and whether it was made now. */
export const BulkEnqueued = z
  .object({
    ids: z.array(z.string()).describe('the job id of each item, in order'),
    created: z
      .array(z.boolean())
      .describe(
        'per item: false when its idempotency key had made a job before (or earlier in this ' +
          'bulk), or its dedupe key was held',
      ),
    outcomes: z
      .array(EnqueueOutcome)
      .describe('per item, in order: what its enqueue did (as `outcome` of a single enqueue)'),
    warning: z
      .string()
      .optional()
      .describe(
        'set when no live worker can run a version these jobs carry (also sent as the ' +
          '`Jobq-Warning` header)',
      ),
  })
  .meta({ id: 'BulkEnqueued' })
export type BulkEnqueued = z.output<typeof BulkEnqueued>

/** Which page of a queue's jobs to list, as a query string: `state`, `limit` (1-1000), `offset`. */
export const ListJobsQuery = z.strictObject({
  state: JobState.default('waiting'),
  limit: decimalInt(1, 1_000, 50),
  offset: decimalInt(0, 10_000_000, 0),
})
export type ListJobsQuery = z.output<typeof ListJobsQuery>

/** A page of one queue's jobs in one state, newest first. */
export const JobList = z.object({ queue: z.string(), state: JobState, jobs: z.array(JobView) })
export type JobList = z.output<typeof JobList>

/** A job id as enqueue or a list answered. */
export const JobIdParam = z.object({
  id: z
    .string()
    .describe(
      'a job id as enqueue or a list answered: a UUID, `repeat:<scheduler>:<millis>` (a ' +
        "schedule's run), `<parent id>.c<n>` (a fan-out child), or numeric",
    )
    .meta({ example: '5b0c2f1e-4f1a-4f7e-9d51-1f0e4a2b3c4d' }),
})
