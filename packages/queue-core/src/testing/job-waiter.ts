import { Job, Queue, QueueEvents } from 'bullmq'
import { createRedis, type Redis } from '../connection.js'
import type { RedisTarget } from '../redis-target.js'
import { deletePrefix } from './helpers.js'

/** How a job ended. */
export type JobOutcome =
  { state: 'completed'; result: unknown } | { state: 'failed'; reason: string }

/**
 * Awaits job events (BullMQ `QueueEvents`) instead of polling or sleeping. One waiter serves
 * every queue under a prefix; close it in `afterEach`.
 */
export class JobWaiter {
  private readonly events = new Map<string, QueueEvents>()
  private readonly queues = new Map<string, Queue>()
  private readonly connection: Redis

  /** `target`: a redis:// URL, or any topology (`redisTargetOf(env)`): Sentinel, cluster. */
  constructor(
    target: string | RedisTarget,
    private readonly prefix: string,
  ) {
    this.connection = createRedis({
      target: typeof target === 'string' ? { kind: 'standalone', url: target } : target,
      role: 'worker',
    })
  }

  private async eventsOf(queue: string): Promise<QueueEvents> {
    let events = this.events.get(queue)
    if (!events) {
      events = new QueueEvents(queue, {
        connection: this.connection, // duplicated by BullMQ for its blocking reads
        prefix: this.prefix,
      })
      events.on('error', () => {})
      // Many tests await dozens of jobs at once on one queue; each wait adds a listener.
      events.setMaxListeners(0)
      this.events.set(queue, events)
    }
    await events.waitUntilReady()
    return events
  }

  /** The BullMQ queue, for assertions on counts. */
  queue(name: string): Queue {
    let queue = this.queues.get(name)
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix })
      queue.on('error', () => {})
      queue.setMaxListeners(0)
      this.queues.set(name, queue)
    }
    return queue
  }

  /** Resolves when the job completes or fails for good (already finished counts too). */
  async finished(queue: string, jobId: string, timeoutMs = 20_000): Promise<JobOutcome> {
    const events = await this.eventsOf(queue)
    const job = await Job.fromId(this.queue(queue), jobId)
    if (!job) throw new Error(`job ${jobId} not found in queue ${queue}`)
    try {
      const result: unknown = await job.waitUntilFinished(events, timeoutMs)
      return { state: 'completed', result }
    } catch (err) {
      const message = (err as Error).message
      if (/timed out before finishing/.test(message)) throw err
      return { state: 'failed', reason: message }
    }
  }

  /** Resolves when the job is active (taken by a worker), or already is, or is done. */
  async active(queue: string, jobId: string, timeoutMs = 20_000): Promise<void> {
    const events = await this.eventsOf(queue)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`job ${jobId} not active within ${timeoutMs} ms`)),
        timeoutMs,
      )
      const onActive = ({ jobId: id }: { jobId: string }) => id === jobId && done()
      const done = (err?: Error) => {
        clearTimeout(timer)
        events.off('active', onActive)
        if (err) reject(err)
        else resolve()
      }
      events.on('active', onActive)
      // The job may have become active before we listened.
      void this.queue(queue)
        .getJobState(jobId)
        .then((state) => {
          if (state === 'active' || state === 'completed' || state === 'failed') done()
        })
    })
  }

  /** Starts recording the progress events of a job; the array fills as they arrive. */
  async recordProgress(queue: string, jobId: string): Promise<unknown[]> {
    const events = await this.eventsOf(queue)
    const seen: unknown[] = []
    events.on('progress', ({ jobId: id, data }) => {
      if (id === jobId) seen.push(data)
    })
    return seen
  }

  /** Counts per BullMQ state of one queue. */
  counts(queue: string): Promise<Record<string, number>> {
    return this.queue(queue).getJobCounts()
  }

  /** Deletes every key under this waiter's prefix. */
  async deleteAll(): Promise<void> {
    await deletePrefix(this.connection, this.prefix)
  }

  async close(): Promise<void> {
    await Promise.all([...this.events.values()].map((events) => events.close()))
    await Promise.all([...this.queues.values()].map((queue) => queue.close()))
    this.connection.disconnect()
  }
}
