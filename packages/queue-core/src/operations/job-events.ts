import { QueueEvents } from 'bullmq'
import type { Redis } from '../connection.js'
import type { Logger } from '../logger.js'

/**
 * What happens to a job, as BullMQ's events report it: `failed` fires for every failed attempt,
 * also one that will be retried (see {@link WatchEvent} for what watchers get).
 */
export type JobEvent =
  | { type: 'progress'; progress: unknown }
  | { type: 'completed'; result: unknown }
  | { type: 'failed'; reason: string }

/**
 * What a watcher of one job gets (`jobs.watch`, `GET /v1/jobs/:id/events`): progress, then
 * `retrying` for each failed attempt that will be retried, and one final `completed` (with the
 * whole result, however big) or `failed` (no attempt left).
 */
export type WatchEvent =
  | { type: 'progress'; progress: unknown }
  | { type: 'retrying'; reason: string; attemptsMade: number }
  | { type: 'completed'; result: unknown }
  | { type: 'failed'; reason: string }

type Listener = (event: JobEvent) => void

/**
 * One BullMQ `QueueEvents` reader per queue, shared by every watcher: a thousand clients
 * watching jobs cost one blocking Redis connection per queue, not a thousand.
 */
export class JobEventHub {
  private readonly readers = new Map<string, QueueEvents>()
  private readonly listeners = new Map<string, Set<Listener>>()

  constructor(
    /** A connection made with `createRedis({ role: 'worker' })`; each reader duplicates it. */
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly logger?: Logger,
  ) {}

  /**
   * Calls `listener` for each event of job `jobId` in `queue` until the returned function is
   * called. Resolves once the reader listens, so a state read after it cannot miss an event.
   */
  async subscribe(queue: string, jobId: string, listener: Listener): Promise<() => void> {
    const reader = this.readerOf(queue)
    const key = `${queue}\n${jobId}`
    let set = this.listeners.get(key)
    if (!set) this.listeners.set(key, (set = new Set()))
    set.add(listener)
    await reader.waitUntilReady()
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(key)
    }
  }

  private readerOf(queue: string): QueueEvents {
    let reader = this.readers.get(queue)
    if (reader) return reader
    reader = new QueueEvents(queue, { connection: this.connection, prefix: this.prefix })
    reader.on('error', (err) =>
      this.logger?.warn({ err: err.message, queue }, 'queue events error'),
    )
    const emit = (jobId: string, event: JobEvent) => {
      for (const listener of this.listeners.get(`${queue}\n${jobId}`) ?? []) listener(event)
    }
    reader.on('progress', ({ jobId, data }) => emit(jobId, { type: 'progress', progress: data }))
    reader.on('completed', ({ jobId, returnvalue }) =>
      emit(jobId, { type: 'completed', result: parseReturnValue(returnvalue) }),
    )
    reader.on('failed', ({ jobId, failedReason }) =>
      emit(jobId, { type: 'failed', reason: failedReason }),
    )
    this.readers.set(queue, reader)
    return reader
  }

  async close(): Promise<void> {
    await Promise.all([...this.readers.values()].map((reader) => reader.close()))
    this.readers.clear()
    this.listeners.clear()
  }
}

/** QueueEvents hands the return value over as the JSON string BullMQ stored. */
function parseReturnValue(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}
