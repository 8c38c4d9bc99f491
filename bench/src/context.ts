import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

/** Everything a scenario needs: the run's Redis, sizes for this mode, and where the apps are. */
export interface BenchContext {
  redisUrl: string
  quick: boolean
  redis: Redis
  /** Paths of what the scenarios start as child processes. */
  paths: {
    workerChild: string
    bullmqWorkerChild: string
    honoChild: string
    loadChild: string
    producerMain: string
  }
  /** A fresh key prefix; the previous run's keys are flushed first (this Redis is ours alone). */
  freshPrefix(): Promise<string>
  /** A BullMQ queue on `prefix`, closed by {@link BenchContext.closeQueues}. */
  queue(name: string, prefix: string): Queue
  closeQueues(): Promise<void>
}

/** One line of the results: `ratio` is oriented so that higher is better. */
export interface BenchResult {
  scenario: string
  jobq: number
  baseline: number
  ratio: number
  unit: string
  /** The DESIGN.md target for `ratio` (≥). */
  target: number
  /** The rounds' [min, max] of each figure: the run's own spread, which `--compare` reads. */
  spread?: {
    jobq: readonly [number, number]
    baseline: readonly [number, number]
    ratio: readonly [number, number]
  }
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export function createContext(redisUrl: string, quick: boolean): BenchContext {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queues: Queue[] = []
  let runs = 0
  return {
    redisUrl,
    quick,
    redis,
    paths: {
      workerChild: here('./worker-child.js'),
      bullmqWorkerChild: here('./bullmq-worker-child.js'),
      honoChild: here('./hono-child.js'),
      loadChild: here('./load-child.js'),
      producerMain: here('../../apps/producer/dist/main.js'),
    },
    async freshPrefix() {
      await this.closeQueues()
      await redis.flushall()
      return `bench${++runs}`
    },
    queue(name, prefix) {
      const queue = new Queue(name, { connection: redis, prefix })
      queue.on('error', () => {})
      queues.push(queue)
      return queue
    },
    async closeQueues() {
      await Promise.all(queues.splice(0).map((queue) => queue.close()))
    },
  }
}

/** Resolves when `check` answers true, checking every `everyMs`. */
export async function until(check: () => Promise<boolean>, everyMs = 10, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark step timed out')
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
