import type { Queue } from 'bullmq'
import type { Redis } from './connection.js'
import { BULLMQ_TYPES, JOB_STATES, type JobState } from './job-state.js'

/** A queue at a glance: what `GET /v1/queues` and `jobq info` show. */
export interface QueueSummary {
  name: string
  paused: boolean
  counts: Record<JobState, number>
  /**
   * Jobs that could run now: waiting + prioritized + delayed whose time has come; 0 while the
   * queue is paused (no worker may take them, so an autoscaler must not add workers for them;
   * `counts` and `paused` still show them). What an autoscaler should read; the wait list alone
   * misses prioritized jobs.
   */
  backlog: number
  /** Live worker processes that serve this queue. */
  workers: number
}

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

/** Requeues failed jobs (all of them, in batches); resolves with how many were failed before. */
export async function retryFailed(queue: Queue): Promise<number> {
  const failed = await queue.getFailedCount()
  await queue.retryJobs({ state: 'failed', count: 1_000 })
  return failed
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
