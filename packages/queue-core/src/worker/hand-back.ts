import type { Job } from 'bullmq'
import { script } from '../lua-script.js'
import type { WorkerRuntime } from './runtime.js'

/**
 * Gives the start back (BullMQ's `ats`, see attempt-budget.ts: a handed-back start is not an
 * attempt) and counts the hand-back in job field ARGV[1], in one call on the job's own key; with
 * KEYS[2], also puts job ARGV[3] in that sorted set with score ARGV[2] (a schedule's held runs).
 * Never recreates a removed job (answers 0). Answers the hand-backs so far, this one included.
 */
const HAND_BACK = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'ats') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'ats', -1)
end
if KEYS[2] then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`)

/** How {@link handBack} hands a job back. */
export interface HandBackPlan {
  /** The history entry's reason (the job's "handed-back" attempt). */
  reason: string
  /** The job hash field that counts this kind of hand-back, for the backoff. */
  countField: string
  /** The first wait, in ms; it doubles with each hand-back counted in `countField`. */
  baseMs: number
  /** The longest wait, in ms. */
  maxMs: number
  /** A sorted set to add the job's id to, with `score` (a schedule's held runs, by tick). */
  held?: { key: string; score: number }
}

/**
 * Hands a started job back to `delayed` without charging an attempt: ends its history entry as
 * 'handed-back', releases it from the worker's record, gives its start back, and delays it by
 * `baseMs * 2^(n-1)` ms (capped at `maxMs`) for its n-th hand-back. Answers that wait, in ms.
 * The caller then rejects with BullMQ's `DelayedError`, as BullMQ expects of a job moved to
 * delayed by its handler. Rejects with Redis's errors (and BullMQ's, if `token` lost the lock).
 */
export async function handBack(
  runtime: Pick<WorkerRuntime, 'connection' | 'history' | 'record'>,
  job: Job,
  token: string,
  plan: HandBackPlan,
): Promise<number> {
  runtime.history.ended(job, 'handed-back', plan.reason)
  runtime.record.jobReleased(job.id ?? '')
  const keys = [`${job.queueQualifiedName}:${job.id}`]
  const args: (string | number)[] = [plan.countField]
  if (plan.held) {
    keys.push(plan.held.key)
    args.push(plan.held.score, job.id!)
  }
  const count = Number(await HAND_BACK(runtime.connection, keys, args))
  const waitMs = Math.min(plan.maxMs, plan.baseMs * 2 ** Math.max(0, count - 1))
  await job.moveToDelayed(Date.now() + waitMs, token)
  return waitMs
}
