import type { Job } from 'bullmq'
import {
  type AttemptEntry,
  OUTCOME_LOST_REASON,
  VERSION_HAND_BACK_PREFIX,
} from './attempt-history.js'
import type { Redis } from './connection.js'

/**
 * jobq's one rule for what counts as an attempt: every start of a job a worker began counts once
 * (BullMQ's `attemptsStarted`), whatever ended it: the handler's own success or error, a crash
 * or `kill -9`, a lost lock, a shutdown whose grace ran out. A job may be started at most
 * `attempts` times; a start beyond that fails the job for good, before its handler runs.
 *
 * Exceptions, starts the job is not to blame for, given back ({@link giveBackStart}):
 * - a run that parks its job until its children finish (`ctx.fanOut`, BullMQ's
 *   `waiting-children`): the handler runs again when the children are done, and that second run
 *   is the same attempt, not a new one;
 * - a start no worker began: BullMQ made the job active, but its worker was killed (or Redis
 *   went away) before the start's history entry was written, which happens before the handler
 *   runs. Nothing of the job ran;
 * - a start whose outcome Redis refused after an outage (`OUTCOME_LOST_REASON`): the handler
 *   ended, but its lock had lapsed and the stalled check put the job back;
 * - a start handed back for its payload version, which the worker does not know yet
 *   (worker/version-gate.ts gives it back at once; its history entry is not counted either).
 * The last two are only known from the history, so they are given back when a start is over
 * budget ({@link startsNotCharged}, worker/start-budget.ts): the hot path reads nothing more.
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

/**
 * How many of a job's earlier starts (`attemptsStarted`, this one not included) it is not to blame
 * for, read from its history (`entries`, this start's own not written yet): starts without an
 * entry (begun by no worker) and starts whose outcome Redis refused. Parks are entries with no
 * start of their own (given back when they parked).
 */
export function startsNotCharged(earlierStarts: number, entries: readonly AttemptEntry[]): number {
  const charged = entries.filter(
    (e) =>
      e.outcome !== 'waiting-children' &&
      e.reason !== OUTCOME_LOST_REASON &&
      !e.reason?.startsWith(VERSION_HAND_BACK_PREFIX),
  ).length
  return Math.max(0, earlierStarts - charged)
}

/** Adds ARGV[1] to a job's `attemptsStarted` (BullMQ's `ats` field); never recreates a removed job. */
const ADD_STARTS_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
return redis.call('HINCRBY', KEYS[1], 'ats', ARGV[1])
`

/**
 * Gives the current start of job `jobKey` (BullMQ's `queue.toKey(id)`) back before the job is
 * parked in `waiting-children`, so the run after its children is not counted again; `delta` 1
 * takes it back when the park did not happen (the children were already done), -n gives back n
 * starts the job is not to blame for. Called by the lock holder while the job is active, so no
 * other start can interleave.
 */
export async function giveBackStart(redis: Redis, jobKey: string, delta = -1) {
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
