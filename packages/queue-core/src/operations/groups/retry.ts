import type { Job } from 'bullmq'
import { retryWithFreshAttempts } from '../../attempt-budget.js'
import type { Redis } from '../../connection.js'
import type { AnyRegistry } from '../../registry.js'
import { baseArgs, defaultLimits, gateScope, groupIdOf, HOLD_MS } from './gate.js'
import { regateScript } from './lua.js'

/** How a failed job is retried by hand: {@link retryThroughGate} bound to a deployment. */
export type RetryFailedJob = (job: Job) => Promise<void>

/**
 * Retries failed `job` with a fresh set of attempts: a job of a grouped definition goes back
 * through its key's gate (held back, dispatched when its key has room), any other as before
 * (`retryWithFreshAttempts`). Throws what BullMQ's `job.retry` throws when the job is not failed
 * (the gate's retry throws the same kind of error).
 */
export function retryThroughGate(
  registry: AnyRegistry,
  redis: Redis,
  prefix: string,
): RetryFailedJob {
  return async (job) => {
    const group = registry.job(job.name)?.group
    if (!group) return retryWithFreshAttempts(job)
    const scope = gateScope(prefix, job.queueName)
    const gid = groupIdOf(job.name, String(group.key(job.data)))
    const now = Date.now()
    // BullMQ's delayed score: the timestamp × 0x1000 (its counter bits left at 0).
    const score = (now + HOLD_MS) * 0x1000
    const args = [
      ...baseArgs(scope, now),
      job.id!,
      gid,
      score,
      ...defaultLimits(registry, job.queueName),
    ]
    const answer = Number(await regateScript(redis, [scope.routing], args))
    if (answer < 0)
      throw new Error(`job ${job.id} is not failed (the gate's retry answered ${answer})`)
  }
}
