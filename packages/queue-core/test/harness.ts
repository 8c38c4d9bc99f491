import { inject } from 'vitest'
import { createRedis, waitForReady, type Redis } from '../src/connection.js'
import { createLogger } from '../src/logger.js'
import { createOperations } from '../src/operations/index.js'
import type { AnyRegistry } from '../src/registry.js'
import { deletePrefix, JobWaiter, uniquePrefix } from '../src/testing/index.js'
import { startWorker } from '../src/worker/boot.js'
import type { RunningWorker, WorkerOptions } from '../src/worker/options.js'

const logger = createLogger({ level: 'silent' })

/** A producer, a job waiter and in-process workers on the test Redis, under a prefix of their own. */
export async function createHarness(registry: AnyRegistry) {
  const prefix = uniquePrefix()
  const redis = createRedis({ url: inject('redisUrl'), role: 'producer' })
  await waitForReady(redis, 5_000)
  const producer = createOperations({ registry, connection: redis, prefix })
  const waiter = new JobWaiter(inject('redisUrl'), prefix)
  const workers: { worker: RunningWorker; connection: Redis }[] = []

  return {
    prefix,
    redis,
    producer,
    waiter,
    /** Starts a worker; `close` stops it (the harness closes the rest). */
    async start(options: Partial<WorkerOptions> = {}) {
      const connection = createRedis({ url: inject('redisUrl'), role: 'worker' })
      const worker = await startWorker({
        registry,
        connection,
        prefix,
        logger,
        ...options,
      })
      workers.push({ worker, connection })
      return worker
    },
    async close(keepKeys: boolean) {
      await Promise.all(workers.map(({ worker }) => worker.close(1_000)))
      workers.forEach(({ connection }) => connection.disconnect())
      await producer.close()
      await waiter.close()
      if (!keepKeys) await deletePrefix(redis, prefix)
      redis.disconnect()
    },
  }
}
export type Harness = Awaited<ReturnType<typeof createHarness>>
