import type { Queue } from 'bullmq'
import { DeadLetterQuery, type DeadLetterCount } from '../contracts/dead-letters.js'
import type { SearchPage } from '../contracts/search.js'
import { toJobView } from '../job-view.js'
import { previewJobView } from '../preview.js'
import { TolerantJob } from '../tolerant-job.js'
import { boundsOf, readRange, type WalkEntry, type WalkFilter } from './bulk/walk.js'
import { queueOfFilter } from './bulk/select.js'
import type { OperationsContext } from './context.js'
import { parseInput } from './parse-input.js'
import { decodeCursor, encodeCursor } from './search-cursor.js'
import { searchJobs } from './search.js'

/** Failed-set entries one page reads at most (as a search page's index entries). */
const MAX_EXAMINED = 5_000
/** Entries read per round trip. */
const BATCH = 200
const FIXED = new Set(Object.keys(DeadLetterQuery.shape))

/**
 * Dead letters: jobs in BullMQ's failed set, whose attempts are spent or which failed
 * permanently (`PermanentJobError`, a payload the worker refused, a cancel). Kept for their own
 * retention (`RETENTION.failed`, 30 days), listed here, moved back by the `redrive` bulk action.
 */
export class DeadLetterOperations {
  constructor(private readonly ctx: OperationsContext) {}

  /**
   * A page of dead letters, newest failure first, as previews (`GET /v1/dead-letters`): with a
   * search field, the search of `name` with the state fixed to failed (its order: newest
   * enqueue first); else a walk of the queue's failed set filtered by name, reason and enqueue
   * time, at most 5,000 entries a page. Throws `JobValidationError` (bad filter, malformed
   * cursor, neither name nor queue), `UnknownJobError`, `UnknownQueueError`.
   */
  async list(input: Record<string, unknown>): Promise<SearchPage> {
    if (Object.keys(input).some((key) => !FIXED.has(key))) {
      return searchJobs(this.ctx, { ...input, state: 'failed' })
    }
    const query = parseInput(DeadLetterQuery, input, 'dead-letter query')
    const queue = queueOfFilter(this.ctx, query)
    const filter: WalkFilter = {
      name: query.name,
      reason: query.reason?.toLowerCase(),
      ...boundsOf(query.from, query.to),
    }
    return this.ctx.guard(() => this.walk(queue, filter, query))
  }

  /** How many dead letters each registry queue holds (one ZCARD each). */
  async counts(): Promise<DeadLetterCount[]> {
    const queues = this.ctx.allQueues()
    const counts = await this.ctx.guard(() =>
      Promise.all(queues.map((queue) => this.ctx.connection.zcard(queue.toKey('failed')))),
    )
    return queues.map((queue, i) => ({ queue: queue.name, count: counts[i]! }))
  }

  private async walk(
    queue: Queue,
    filter: WalkFilter,
    query: DeadLetterQuery,
  ): Promise<SearchPage> {
    let rank = await this.startRank(queue, query.cursor)
    const matched: WalkEntry[] = []
    let last: WalkEntry | undefined
    let examined = 0
    let finished = false
    while (matched.length < query.limit && examined < MAX_EXAMINED && !finished) {
      const count = Math.min(BATCH, MAX_EXAMINED - examined)
      const entries = await readRange(this.ctx.connection, queue, 'failed', rank, count, filter)
      let used = 0
      for (const entry of entries) {
        if (matched.length === query.limit) break
        used++
        last = entry
        if (entry.match) matched.push(entry)
      }
      examined += used
      // A short read, all of it examined: the set has no more.
      finished = entries.length < count && used === entries.length
      rank += count
    }
    const jobs = await Promise.all(matched.map((e) => TolerantJob.fromId(queue, e.id)))
    return {
      jobs: jobs.flatMap((job) => (job ? [previewJobView(toJobView(job, 'failed'))] : [])),
      nextCursor: finished || !last ? null : encodeCursor({ id: last.id, score: last.score }),
      examined,
    }
  }

  /** Rank to read from: just after the cursor's entry, or its time when it left the set. */
  private async startRank(queue: Queue, cursor: string | undefined): Promise<number> {
    if (cursor === undefined) return 0
    const { id, score } = decodeCursor(cursor)
    const key = queue.toKey('failed')
    const rank = await this.ctx.connection.zrevrank(key, id)
    return rank === null ? this.ctx.connection.zcount(key, score, '+inf') : rank + 1
  }
}
