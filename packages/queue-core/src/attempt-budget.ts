import type { Job } from 'bullmq'
import type { Redis } from './connection.js'

/**
 * jobq's one rule for what counts as an attempt: every start of a job by a worker counts once
 * (BullMQ's `attemptsStarted`), whatever ended it: the handler's own success or error, a crash
 * or `kill -9`, a lost lock, a shutdown whose grace ran out. A job may be started at most
 * `attempts` times; a start beyond that fails the job for good, before its handler runs.
 *
 * One exception: a run that parks its job until its children finish (`ctx.fanOut`, BullMQ's
 * `waiting-children`) gives its start back ({@link giveBackStart}): the handler runs again when
 * the children are done, and that second run is the same attempt, not a new one.
 *
 * BullMQ's own stall limit (`maxStalledCount`) is set out of the way (see worker.ts): it counts
 * stalls apart from attempts and, at its default of 1, failed a job after two crashes although
 * attempts were left.
 */

/** What the rule reads of a job: a BullMQ `Job` or the copy a sandboxed child receives. */
export interface BudgetedJob {
  attemptsStarted?: number
  attemptsMade: number
  failedReason?: string | null
  opts?: { attempts?: number } | object
}

/** The job's `attempts` (BullMQ's default: 1). */
export function attemptsOf(job: BudgetedJob): number {
  const attempts = (job.opts as { attempts?: number } | undefined)?.attempts
  return attempts && attempts > 0 ? attempts : 1
}

/**
 * Why this start (already counted in `attemptsStarted`) must not run the handler, or undefined
 * when attempts are left. The reason says how many earlier starts were cut off, so a job that
 * crashes its worker every time fails with a reason that says so instead of looping.
 */
export function attemptsUsedUp(job: BudgetedJob): string | undefined {
  const attempts = attemptsOf(job)
  const started = job.attemptsStarted ?? 0
  if (started <= attempts) return undefined
  const earlier = started - 1
  // attemptsMade counts the starts that ended in the handler's own outcome; the rest were cut off.
  const interrupted = Math.max(0, earlier - job.attemptsMade)
  const last = job.failedReason ? `; last error: ${job.failedReason}` : ''
  return (
    `all ${attempts} attempt(s) used: started ${earlier} time(s), ` +
    `interrupted ${interrupted} time(s) (crash, lost lock or shutdown)${last}`
  )
}

/** Adds ARGV[1] to a job's `attemptsStarted` (BullMQ's `ats` field); never recreates a removed job. */
const ADD_STARTS_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
return redis.call('HINCRBY', KEYS[1], 'ats', ARGV[1])
`

/**
 * Gives the current start of job `jobKey` (BullMQ's `queue.toKey(id)`) back before the job is
 * parked in `waiting-children`, so the run after its children is not counted again; `delta` 1
 * takes it back when the park did not happen (the children were already done). Called by the
 * lock holder while the job is active, so no other start can interleave.
 */
export async function giveBackStart(redis: Redis, jobKey: string, delta: -1 | 1 = -1) {
  await redis.eval(ADD_STARTS_LUA, 1, jobKey, delta)
}

/** What a retry by hand passes BullMQ: `attemptsMade` and `attemptsStarted` back to 0. */
const FRESH_ATTEMPTS = { resetAttemptsMade: true, resetAttemptsStarted: true } as const

/**
 * Retries a failed job by hand with a fresh set of attempts (`attemptsMade`, `attemptsStarted`
 * back to 0), as the docs promise; its history stays and numbers on. Throws what BullMQ's
 * `job.retry` throws (e.g. the job is not failed).
 */
export async function retryWithFreshAttempts(job: Job): Promise<void> {
  await job.retry('failed', FRESH_ATTEMPTS)
}
