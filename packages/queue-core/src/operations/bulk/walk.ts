import type { Queue } from 'bullmq'
import type { Redis } from '../../connection.js'

/** What a walk keeps of a set's entries: the job's name, reason and enqueue time (ms). */
export interface WalkFilter {
  name?: string | undefined
  /** Lower-cased substring of the failure reason. */
  reason?: string | undefined
  from: number
  to: number
}

/** One entry a walk read: the job id, its rank in the set and its score (lists: 0). */
export interface WalkEntry {
  id: string
  rank: number
  score: number
  match: boolean
}

/**
 * Reads `count` entries of BullMQ set `type` of `queue` from `rank` on, newest first (a zset by
 * descending score, a list from its head, where BullMQ pushes new jobs), each judged against
 * `filter` with one HMGET of its hash: a job whose hash is gone never matches. Empty when the
 * set has no more.
 */
export async function readRange(
  redis: Redis,
  queue: Queue,
  type: string,
  rank: number,
  count: number,
  filter: WalkFilter,
): Promise<WalkEntry[]> {
  const key = queue.toKey(type)
  const kind = await redis.type(key)
  let ids: string[]
  let scores: number[]
  if (kind === 'zset') {
    const flat = await redis.zrevrange(key, rank, rank + count - 1, 'WITHSCORES')
    ids = flat.filter((_, i) => i % 2 === 0)
    scores = flat.filter((_, i) => i % 2 === 1).map(Number)
  } else if (kind === 'list') {
    ids = await redis.lrange(key, rank, rank + count - 1)
    scores = ids.map(() => 0)
  } else return []
  const fields = await Promise.all(
    ids.map((id) => redis.hmget(queue.toKey(id), 'name', 'failedReason', 'timestamp')),
  )
  return ids.map((id, i) => ({
    id,
    rank: rank + i,
    score: scores[i]!,
    match: matches(fields[i]!, filter),
  }))
}

function matches([name, reason, timestamp]: (string | null)[], filter: WalkFilter): boolean {
  if (name === null || name === undefined) return false
  if (filter.name !== undefined && name !== filter.name) return false
  const at = Number(timestamp)
  if (at < filter.from || at > filter.to) return false
  return filter.reason === undefined || (reason ?? '').toLowerCase().includes(filter.reason)
}

/** A walk filter's enqueue-time bounds from ISO instants (unbounded when absent). */
export function boundsOf(from?: string, to?: string): { from: number; to: number } {
  return {
    from: from === undefined ? -Infinity : Date.parse(from),
    to: to === undefined ? Infinity : Date.parse(to),
  }
}
