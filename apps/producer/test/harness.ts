import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { registry } from '@jobq/jobs'
import {
  createLogger,
  createProducer,
  createRedis,
  startWorker,
  waitForReady,
  type RunningWorker,
} from '@jobq/queue-core'
import { deletePrefix, JobWaiter, testRedisUrl, uniquePrefix } from '@jobq/queue-core/testing'
import { createApp, type AppDeps } from '../src/app.js'

const logger = createLogger({ level: 'silent' })

/** The app on a real producer against a Redis (the test one by default), under its own prefix. */
export async function createHarness(
  options: Partial<Pick<AppDeps, 'bodyLimitBytes' | 'bulkMax' | 'apiTokens'>> & {
    redisUrl?: string
  } = {},
) {
  const url = options.redisUrl ?? testRedisUrl()
  const prefix = uniquePrefix()
  const redis = createRedis({ url, role: 'producer' })
  const eventsRedis = createRedis({ url, role: 'worker' })
  await waitForReady(redis, 5_000)
  const producer = createProducer({
    registry,
    connection: redis,
    eventsConnection: eventsRedis,
    prefix,
  })
  // Every response is checked against its route's documented schema; close() fails on a mismatch.
  const mismatches: string[] = []
  const app = createApp({
    producer,
    registry,
    logger,
    checkResponses: (m) => mismatches.push(m),
    ...options,
  })
  const waiter = new JobWaiter(url, prefix)
  const workers: { worker: RunningWorker; redis: ReturnType<typeof createRedis> }[] = []
  let server: ReturnType<typeof serve> | undefined

  return {
    app,
    waiter,
    prefix,
    redis,
    /** POSTs JSON (or a raw string) the way a client would. */
    post(path: string, body: unknown, headers: Record<string, string> = {}) {
      return app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    },
    /** Runs an in-process worker (handlers from @jobq/jobs) for some or all queues. */
    async startWorker(queues?: string[]) {
      const workerRedis = createRedis({ url, role: 'worker' })
      const worker = await startWorker({
        registry,
        connection: workerRedis,
        prefix,
        queues,
        logger,
      })
      workers.push({ worker, redis: workerRedis })
      return worker
    },
    /** Serves the app on a free loopback port, for clients that need a real socket. */
    async listen(): Promise<string> {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
      await new Promise((resolve) => server!.once('listening', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    /** Total jobs in a queue, whatever their state. */
    async jobCount(queue: string) {
      const counts = await waiter.counts(queue)
      return Object.values(counts).reduce((a, b) => a + b, 0)
    },
    async close(keepKeys: boolean) {
      server?.close()
      for (const { worker, redis: workerRedis } of workers) {
        await worker.close(1_000)
        workerRedis.disconnect()
      }
      await producer.close()
      await waiter.close()
      if (!keepKeys && redis.status === 'ready') await deletePrefix(redis, prefix)
      redis.disconnect()
      eventsRedis.disconnect()
      if (mismatches.length)
        throw new Error(`responses off their schema:\n${mismatches.join('\n')}`)
    },
  }
}
export type Harness = Awaited<ReturnType<typeof createHarness>>
