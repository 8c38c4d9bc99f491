import type { Queue } from 'bullmq'
import type { Redis } from '../connection.js'

/** BullMQ scores delayed jobs as `runAt * 0x1000 + counter` (see `queue-admin.ts`). */
const DELAY_SCORE_FACTOR = 0x1000

/** How long the job next in line of one queue has waited. */
export interface OldestWaiting {
  queue: string
  /** Seconds since that job could first run; 0 when no job waits. */
  ageSeconds: number
}

/**
 * The age of the oldest waiting job of `queue`, at a fixed cost whatever the queue holds: the head
 * of the wait list (LINDEX), of the prioritized set and of the delayed set (ZRANGE 0 0), then one
 * HMGET per head found (at most two). Waiting counts as `jobq_queue_backlog` does: plain and
 * prioritized jobs plus delayed jobs whose time has come (aged from that time). Paused queues are
 * aged too (their `jobq_queue_backlog` reads 0; `jobq_queue_paused` tells why).
 *
 * A job may wait since: its enqueue, the end of its delay (`opts.delay`: BullMQ zeroes the hash's
 * `delay` when it promotes the job), or the start of its last attempt (`processedOn`: a retry or a
 * stalled job back in line); the latest of the three counts. Of prioritized jobs only the next to
 * run is read: a job of a lower priority behind it may be older.
 */
export async function oldestWaiting(queue: Queue, redis: Redis): Promise<OldestWaiting> {
  const now = Date.now()
  const [waitHead, prioritizedHead, delayedHead] = await Promise.all([
    redis.lindex(queue.toKey('wait'), -1),
    redis.zrange(queue.toKey('prioritized'), 0, 0),
    redis.zrange(queue.toKey('delayed'), 0, 0, 'WITHSCORES'),
  ])
  const heads = [waitHead, prioritizedHead[0]].filter((id): id is string => Boolean(id))
  const since = await Promise.all(heads.map((id) => waitingSince(redis, queue.toKey(id))))
  const runAt = delayedHead[1] === undefined ? Infinity : dueAt(Number(delayedHead[1]))
  if (runAt <= now) since.push(runAt)
  const oldest = Math.min(...since.filter((at) => at !== undefined))
  return {
    queue: queue.name,
    ageSeconds: oldest === Infinity ? 0 : Math.max(0, now - oldest) / 1e3,
  }
}

/** When a delayed job with this score may run (ms since the epoch). */
const dueAt = (score: number) => Math.floor(score / DELAY_SCORE_FACTOR)

/** When the job in hash `key` joined the line (ms since the epoch); undefined if it is gone. */
async function waitingSince(redis: Redis, key: string): Promise<number | undefined> {
  const [timestamp, opts, processedOn] = await redis.hmget(key, 'timestamp', 'opts', 'processedOn')
  if (!timestamp) return undefined
  return Math.max(Number(timestamp) + delayOf(opts), Number(processedOn ?? 0))
}

/** The `delay` the job was enqueued with, in ms (0 when none or unreadable). */
function delayOf(opts: string | null | undefined): number {
  try {
    const delay = (JSON.parse(opts ?? '{}') as { delay?: unknown }).delay
    return typeof delay === 'number' && delay > 0 ? delay : 0
  } catch {
    return 0
  }
}
