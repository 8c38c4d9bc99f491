import type { Job } from 'bullmq'
import type { BulkAction } from '../../contracts/bulk.js'
import { JobConflictError, JobNotFoundError, toBackendError } from '../../errors.js'
import { script } from '../../lua-script.js'
import { TolerantJob } from '../../tolerant-job.js'
import type { OperationsContext } from '../context.js'
import type { ControlOperations } from '../control.js'
import type { RetryFailedJob } from '../groups/retry.js'
import { dropIndexOf } from '../search-add.js'
import type { RedriveData } from './redrive-data.js'
import type { Target } from './select.js'

/** What happened to one selected job. */
export type Outcome = 'done' | 'skipped'

/**
 * Claims the failure a retry or redrive was selected for, once: KEYS[1] the queue's failed set,
 * KEYS[2] the job's hash; ARGV[1] the id, ARGV[2] its failed score at selection, ARGV[3] new
 * data ('' keeps it), ARGV[4] new opts ('' keeps them). 1 when the job is still failed with that
 * score and no operation claimed that failure yet (the claim is stamped on the hash, so two
 * operations racing over one job move it once, and a job that ran and failed again meanwhile,
 * a later failure, is not moved by the older selection); else 0. The keys share the queue's
 * hash tag, as BullMQ's own do.
 */
const CLAIM_LUA = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
if redis.call('HGET', KEYS[2], 'jobqClaimed') == ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'jobqClaimed', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'data', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'opts', ARGV[4]) end
return 1
`
const claim = script(CLAIM_LUA)

/** What acting needs besides the job. */
export interface ActDeps {
  ctx: OperationsContext
  control: ControlOperations
  retryJob: RetryFailedJob
  action: BulkAction
  redrive?: RedriveData | undefined
}

/**
 * Acts on one selected job, through a step that checks its state atomically (BullMQ's
 * `retry('failed')`, `promote()`, `remove()`, the claim above, jobq's cancel). `skipped` when it
 * is gone or has moved on; a Redis failure is thrown (the operation fails).
 */
export async function actOn(deps: ActDeps, target: Target): Promise<Outcome> {
  const { ctx, action } = deps
  if (!target.queue) return 'skipped'
  try {
    if (action === 'cancel') {
      await deps.control.cancel(target.id)
      return 'done'
    }
    const job = await ctx.guard(() => TolerantJob.fromId(target.queue!, target.id))
    if (!job) return 'skipped'
    if (action === 'retry' || action === 'redrive') return await retryOnce(deps, target, job)
    if (action === 'promote') {
      // A grouped job waits in delayed for its key's gate: promoting it would jump the gate.
      if (ctx.registry.job(job.name)?.group) return 'skipped'
      await ctx.guard(() => job.promote())
      return 'done'
    }
    await ctx.guard(() => job.remove())
    await dropIndexOf(ctx, job)
    return 'done'
  } catch (err) {
    const backend = toBackendError(err)
    if (backend) throw backend
    if (err instanceof JobConflictError || err instanceof JobNotFoundError) return 'skipped'
    // BullMQ's scripts refuse a job in another state (or locked, or gone) with an error: the job
    // moved on, which is what skipped counts.
    return 'skipped'
  }
}

async function retryOnce(deps: ActDeps, target: Target, job: Job): Promise<Outcome> {
  const { ctx, redrive } = deps
  if (target.failedAt === undefined) return 'skipped'
  if (redrive && job.name !== redrive.name) return 'skipped'
  const queue = target.queue!
  const args = [target.id, target.failedAt, redrive?.json ?? '', (await redrive?.optsOf(job)) ?? '']
  const keys = [queue.toKey('failed'), queue.toKey(target.id)]
  if (Number(await ctx.guard(() => claim(ctx.connection, keys, args))) !== 1) return 'skipped'
  await ctx.guard(() => deps.retryJob(job))
  if (redrive) await redrive.reindex(job)
  return 'done'
}
