import type { Redis } from './connection.js'

/** Upper bounds (ms) of the job duration histogram's buckets; +Inf is implied. */
const DURATION_BUCKETS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000,
] as const

/** One queue's job durations, cumulative per bucket as Prometheus wants them. */
export interface DurationHistogram {
  queue: string
  /** `count` jobs took at most `leMs` (the last bucket, Infinity, counts every job). */
  buckets: { leMs: number; count: number }[]
  sumMs: number
  count: number
}

const statsKey = (prefix: string) => `${prefix}:stats:duration`

/**
 * Job durations and final outcomes of every worker of a deployment, added up in one Redis hash so
 * that one scrape of the producer shows the whole fleet. Each worker counts in memory and writes
 * its increments every few seconds in one pipeline: nothing is added to a job's own path (BullMQ's
 * own `metrics` option did this in the finishing script of every job, a sixth of a no-op job's
 * Redis time; bench/RESULTS.md). A worker killed with -9 loses what it counted since its last write.
 */
export class FleetStatsRecorder {
  private pending = new Map<string, number>()
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    flushMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs)
    this.timer.unref()
  }

  observe(queue: string, durationMs: number): void {
    const bucket = DURATION_BUCKETS_MS.findIndex((le) => durationMs <= le)
    this.add(`${queue}|${bucket === -1 ? 'inf' : DURATION_BUCKETS_MS[bucket]}`, 1)
    this.add(`${queue}|sum`, Math.max(0, Math.round(durationMs)))
    this.add(`${queue}|count`, 1)
  }

  /** Counts a job that finished for good: completed, or failed with no retry left. */
  finished(queue: string, outcome: 'completed' | 'failed'): void {
    this.add(`${queue}|${outcome}`, 1)
  }

  /** Writes what was counted since the last flush; on failure keeps it for the next one. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return
    const batch = this.pending
    this.pending = new Map()
    const pipeline = this.redis.pipeline()
    for (const [field, value] of batch) pipeline.hincrby(statsKey(this.prefix), field, value)
    const replies = await pipeline.exec().catch(() => null)
    if (!replies || replies.some(([err]) => err)) {
      for (const [field, value] of batch) this.add(field, value)
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }

  private add(field: string, value: number) {
    this.pending.set(field, (this.pending.get(field) ?? 0) + value)
  }
}

/** What every worker recorded for one queue: final outcomes and the duration histogram. */
export interface RecordedStats {
  completed: number
  failed: number
  duration: DurationHistogram
}

/** Reads what every worker recorded for `queues`. */
export async function readRecordedStats(
  redis: Redis,
  prefix: string,
  queues: readonly string[],
): Promise<RecordedStats[]> {
  const raw = await redis.hgetall(statsKey(prefix))
  return queues.map((queue) => {
    const at = (field: string) => Number(raw[`${queue}|${field}`] ?? 0)
    let running = 0
    const buckets = [...DURATION_BUCKETS_MS, Infinity].map((leMs) => {
      running += at(leMs === Infinity ? 'inf' : String(leMs))
      return { leMs, count: running }
    })
    return {
      completed: at('completed'),
      failed: at('failed'),
      duration: { queue, buckets, sumMs: at('sum'), count: at('count') },
    }
  })
}
