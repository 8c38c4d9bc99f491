import type { JobsOptions, Queue } from 'bullmq'
import type { Redis } from '../connection.js'

/** One job of {@link addAllOrNone}; its `opts.jobId` must be set (jobq always chooses it). */
export interface BulkJob {
  name: string
  data: unknown
  opts: JobsOptions
}

/**
 * Jobs per `queue.addBulk` call. BullMQ builds a call's commands in JS (about 13 µs a job) before
 * it sends them; in chunks, it builds one while Redis runs the one before, so a 10,000-job bulk
 * costs about the larger of the two instead of their sum (bench/RESULTS.md, "Fifth session").
 */
const CHUNK = 500

/**
 * `queue.addBulk`, all or nothing, sent in chunks of {@link CHUNK} in order on one connection.
 * BullMQ 6.7 sends a bulk as a pipeline of one script per job, not a transaction: when Redis
 * refuses part-way (it fills up, a failover makes it read-only), the jobs before the refusal
 * stay. Each job of the bulk carries one timestamp; once every chunk has settled, a failure
 * removes the jobs with it (this bulk's, never an older job answered for the same `jobId`) and
 * the error is thrown. Removing is allowed even by a full Redis. A job a worker has already
 * started stays (it is locked) and runs; that is the only exception.
 */
export async function addAllOrNone(
  queue: Queue,
  connection: Redis,
  jobs: readonly BulkJob[],
): Promise<void> {
  const timestamp = Date.now()
  const stamped = jobs.map((job) => ({ ...job, opts: { ...job.opts, timestamp } }))
  const sent: Promise<unknown>[] = []
  for (let at = 0; at < stamped.length; at += CHUNK) {
    sent.push(queue.addBulk(stamped.slice(at, at + CHUNK)))
  }
  const refused = (await Promise.allSettled(sent)).find((outcome) => outcome.status === 'rejected')
  if (!refused) return
  await removeAdded(queue, connection, stamped, timestamp).catch(() => undefined)
  throw refused.reason
}

async function removeAdded(
  queue: Queue,
  connection: Redis,
  jobs: readonly BulkJob[],
  timestamp: number,
) {
  const pipeline = connection.pipeline()
  for (const job of jobs) pipeline.hget(queue.toKey(job.opts.jobId ?? ''), 'timestamp')
  const stored = (await pipeline.exec()) ?? []
  const added = jobs.filter((_, i) => stored[i]?.[1] === String(timestamp))
  await Promise.allSettled(added.map((job) => queue.remove(job.opts.jobId ?? '')))
}
