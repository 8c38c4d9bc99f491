import type { Job, Queue } from 'bullmq'
import { isValidJobId } from '../enqueue-options.js'
import { JobNotFoundError, MalformedJobIdError } from '../errors.js'
import { hintOf, queueHint } from '../job-id.js'
import { toPublicState, type JobState } from '../job-state.js'
import { script } from '../lua-script.js'
import { TolerantJob } from '../tolerant-job.js'
import type { OperationsContext } from './context.js'

/** A job found by id, with its public state. */
export interface FoundJob {
  job: Job
  state: JobState
}

/**
 * The job with this id and its public state, whichever queue holds it. Throws
 * {@link MalformedJobIdError} for what no job id can be (before Redis is asked),
 * {@link JobNotFoundError}, or `BackendUnavailableError` when Redis cannot tell.
 */
export async function findJob(ctx: OperationsContext, id: string): Promise<FoundJob> {
  if (!isValidJobId(id)) throw new MalformedJobIdError(id)
  const queueName = await queueHolding(ctx, id)
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

/**
 * The 1-based position in ARGV[2..] of the first queue base (`<prefix>:<queue>:`) holding a job
 * hash with id ARGV[1], else 0. `pcall`: a key of that name that is not a hash (the id names one
 * of BullMQ's own keys, `wait`, `meta`, …) is not a job. Every key shares the prefix's hash tag,
 * so the keys it builds live on one cluster slot: KEYS[1], one of them, routes the call there.
 */
const LOCATE_LUA = `
for i = 2, #ARGV do
  if redis.pcall('HEXISTS', ARGV[i] .. ARGV[1], 'timestamp') == 1 then return i - 1 end
end
return 0
`
const locate = script(LOCATE_LUA)

/**
 * The queues whose hint the id carries (`job-id.ts`) first: the script stops at the first queue
 * that holds the id, so a job made by jobq is found with one `HEXISTS`.
 */
function hintedFirst(queues: Queue[], hint: string | undefined): Queue[] {
  if (hint === undefined) return queues
  const hinted = queues.filter((queue) => queueHint(queue.name) === hint)
  return hinted.length ? [...hinted, ...queues.filter((queue) => !hinted.includes(queue))] : queues
}

/**
 * The name of the first queue holding a job hash with this id: one command whatever the number
 * of queues, and one `HEXISTS` in it for an id jobq made (bench/RESULTS.md, scale: `GET
 * /v1/jobs/:id` with 1, 10 and 100 queues).
 */
async function queueHolding(ctx: OperationsContext, id: string): Promise<string | undefined> {
  const queues = hintedFirst(ctx.allQueues(), hintOf(id))
  const bases = queues.map((queue) => queue.toKey(''))
  const route = [`${bases[0]}${id}`]
  const position = Number(await ctx.guard(() => locate(ctx.connection, route, [id, ...bases])))
  return queues[position - 1]?.name
}
