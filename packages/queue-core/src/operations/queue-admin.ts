import { retryWithFreshAttempts } from '../attempt-budget.js'
import type { Job, Queue } from 'bullmq'
import type { Redis } from '../connection.js'
import type { QueueSummary } from '../contracts/queues.js'
import { TolerantJob } from '../tolerant-job.js'
import { BULLMQ_TYPES, JOB_STATES, type JobState } from '../job-state.js'

/** BullMQ scores delayed jobs as `runAt * 0x1000 + counter`. */
const DELAY_SCORE_FACTOR = 0x1000

/** Counts per public state, the paused flag and the backlog, in two round trips. */
export async function summarizeQueue(
  queue: Queue,
  redis: Redis,
): Promise<Omit<QueueSummary, 'workers'>> {
  const dueScore = (Date.now() + 1) * DELAY_SCORE_FACTOR - 1
  const [raw, paused, dueDelayed] = await Promise.all([
    queue.getJobCounts(...JOB_STATES.flatMap((state) => BULLMQ_TYPES[state])),
    queue.isPaused(),
    redis.zcount(queue.toKey('delayed'), 0, dueScore),
  ])
  const counts = Object.fromEntries(
    JOB_STATES.map((state) => [
      state,
      BULLMQ_TYPES[state].reduce((sum, type) => sum + (raw[type] ?? 0), 0),
    ]),
  ) as Record<JobState, number>
  const backlog = paused ? 0 : counts.waiting + Number(dueDelayed)
  return { name: queue.name, paused, counts, backlog }
}

/** How many failed jobs one round of {@link retryFailed} reads and requeues. */
const RETRY_CHUNK = 500

/**
 * Requeues every job that was failed when the call began, each with a fresh set of attempts
 * (BullMQ's `retryJobs` keeps the spent ones, and pushes prioritized jobs onto the plain wait
 * list), in chunks of {@link RETRY_CHUNK}. A job that fails while this runs stays failed (its
 * score is later than the start), so a job that fails again at once is not retried twice and
 * none is lost. Resolves with how many were requeued.
 */
export async function retryFailed(
  queue: Queue,
  client: Redis,
  retry: (job: Job) => Promise<void> = retryWithFreshAttempts,
): Promise<number> {
  const failedKey = queue.toKey('failed')
  const startedAt = Date.now()
  let requeued = 0
  // Ids left in the set on purpose (no hash: nothing to retry); they stay at the set's front.
  let orphans = 0
  for (;;) {
    const ids = await client.zrangebyscore(failedKey, 0, startedAt, 'LIMIT', orphans, RETRY_CHUNK)
    if (!ids.length) return requeued
    const outcomes = await Promise.all(
      ids.map((id) => retryOne(queue, client, failedKey, id, retry)),
    )
    requeued += outcomes.filter((o) => o === 'requeued').length
    orphans += outcomes.filter((o) => o === 'orphan').length
  }
}

/**
 * Requeues one failed job with fresh attempts. `gone` when it left the failed set meanwhile
 * (removed, or retried by someone else); any other error is thrown, so the loop above, which
 * reads the set again each round, can never spin on a job that stays.
 */
async function retryOne(
  queue: Queue,
  client: Redis,
  failedKey: string,
  id: string,
  retry: (job: Job) => Promise<void>,
): Promise<'requeued' | 'gone' | 'orphan'> {
  // Tolerant: a job whose stored data is not JSON is still retried (its worker fails it then).
  const job = await TolerantJob.fromId(queue, id)
  if (!job) return 'orphan'
  try {
    await retry(job)
    return 'requeued'
  } catch (err) {
    if ((await client.zscore(failedKey, id)) === null) return 'gone'
    throw err
  }
}

/** Removes every waiting and delayed job (not active ones); resolves with how many there were. */
export async function emptyQueue(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed')
  await queue.drain(true)
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

/** Removes jobs of one state finished (or created) more than `olderThanMs` ago; answers how many. */
export async function cleanQueue(
  queue: Queue,
  state: JobState,
  olderThanMs: number,
): Promise<number> {
  const types = BULLMQ_TYPES[state].filter((type) => type !== 'waiting-children')
  // limit 0: no limit, every matching job goes.
  const removed = await Promise.all(
    types.map((type) => queue.clean(olderThanMs, 0, type as Parameters<Queue['clean']>[2])),
  )
  return removed.reduce((sum, ids) => sum + ids.length, 0)
}
