import type { Job } from 'bullmq'
import { JobNotFoundError } from '../errors.js'
import { toPublicState, type JobState } from '../job-state.js'
import { TolerantJob } from '../tolerant-job.js'
import type { OperationsContext } from './context.js'

/** A job found by id, with its public state. */
export interface FoundJob {
  job: Job
  state: JobState
}

/**
 * The job with this id and its public state, whichever queue holds it. Throws
 * {@link JobNotFoundError}, or `BackendUnavailableError` when Redis cannot tell.
 */
export async function findJob(ctx: OperationsContext, id: string): Promise<FoundJob> {
  const queueName = (await queuesHolding(ctx, id))[0]
  if (queueName === undefined) throw new JobNotFoundError(id)
  const queue = ctx.queueOf(queueName)
  // The state first, the job hash second: a job that finishes in between then reads as
  // "active" with its result, never as "completed" without one (states only move forward).
  const state = toPublicState(await ctx.guard(() => queue.getJobState(id)))
  // Tolerant: a job whose stored data is not JSON is still shown (data: null), not a 500.
  const job = await ctx.guard(() => TolerantJob.fromId(queue, id))
  if (!job || !state) throw new JobNotFoundError(id)
  return { job, state }
}

/** The names of the queues that hold a job hash with this id, in one round trip. */
function queuesHolding(ctx: OperationsContext, id: string): Promise<string[]> {
  const queues = ctx.allQueues()
  return ctx.guard(async () => {
    const pipeline = ctx.connection.pipeline()
    for (const queue of queues) pipeline.hexists(queue.toKey(id), 'timestamp')
    const replies = (await pipeline.exec()) ?? []
    // A pipeline reports errors per command. WRONGTYPE means the id names one of BullMQ's own
    // keys (`wait`, `meta`, …), not a job; any other error means we cannot tell "absent"
    // from "down".
    const failure = replies.find(([err]) => err && !err.message.startsWith('WRONGTYPE'))?.[0]
    if (failure) throw failure
    return queues.filter((_, i) => replies[i]?.[1] === 1).map((queue) => queue.name)
  })
}
