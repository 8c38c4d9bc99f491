import { inject } from 'vitest'
import { registry } from '@jobq/jobs'
import {
  createLogger,
  createProducer,
  createRedis,
  startWorker,
  waitForReady,
  type RunningWorker,
} from '@jobq/queue-core'
import { deletePrefix, JobWaiter, uniquePrefix } from '@jobq/queue-core/testing'
import { createApp } from '../src/app.js'

const logger = createLogger({ level: 'silent' })

/** The app on a real producer against the test Redis, under a prefix of its own. */
export async function createHarness(options: { bodyLimitBytes?: number } = {}) {
  const url = inject('redisUrl')
  const prefix = uniquePrefix()
  const redis = createRedis({ url, role: 'producer' })
  await waitForReady(redis, 5_000)
  const producer = createProducer({ registry, connection: redis, prefix })
  const app = createApp({ producer, registry, logger, ...options })
  const waiter = new JobWaiter(url, prefix)
  let worker: RunningWorker | undefined
  let workerRedis: ReturnType<typeof createRedis> | undefined

  return {
    app,
    waiter,
    prefix,
    /** POSTs JSON (or a raw string) the way a client would. */
    post(path: string, body: unknown, headers: Record<string, string> = {}) {
      return app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    },
    /** Runs an in-process worker for every queue (handlers from @jobq/jobs). */
    async startWorker() {
      workerRedis = createRedis({ url, role: 'worker' })
      worker = await startWorker({ registry, connection: workerRedis, prefix, logger })
    },
    /** Total jobs in a queue, whatever their state. */
    async jobCount(queue: string) {
      const counts = await waiter.counts(queue)
      return Object.values(counts).reduce((a, b) => a + b, 0)
    },
    async close(keepKeys: boolean) {
      await worker?.close(1_000)
      workerRedis?.disconnect()
      await producer.close()
      await waiter.close()
      if (!keepKeys) await deletePrefix(redis, prefix)
      redis.disconnect()
    },
  }
}
export type Harness = Awaited<ReturnType<typeof createHarness>>
