import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRedis, waitForReady, type Redis } from '../connection.js'
import { createRegistry, defineJob, defineQueue } from '../index.js'
import { startRedisServer, type RedisServer } from '../testing/index.js'
import { createOperations, type Operations } from './index.js'

const QUEUES = 40
const names = Array.from({ length: QUEUES }, (_, i) => `lookup-${i}`)
const registry = createRegistry({
  queues: names.map((name) => defineQueue({ name })),
  jobs: names.map((name) =>
    defineJob({
      name: `lookup.${name}`,
      queue: name,
      input: z.object({ n: z.number() }),
      output: z.object({}),
      handler: () => Promise.resolve({}),
    }),
  ),
})

/** HEXISTS calls Redis counted since the last reset (scripts' own commands included). */
async function hexists(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats')
  return Number(/cmdstat_hexists:calls=(\d+)/.exec(stats)?.[1] ?? 0)
}

// Its own redis-server: commandstats count every client, and other test files share the global one.
describe('finding a job by id among many queues', () => {
  let server: RedisServer
  let redis: Redis
  let ops: Operations
  const prefix = 'find'
  beforeAll(async () => {
    server = await startRedisServer()
    redis = createRedis({ url: server.url, role: 'producer' })
    await waitForReady(redis, 5_000)
    ops = createOperations({ registry, connection: redis, prefix })
  })
  afterAll(async () => {
    await ops.close()
    redis.disconnect()
    await server.stop()
  })

  it('asks one queue for a job jobq made, whichever of 40 queues holds it', async () => {
    for (const name of [names[0]!, names[17]!, names[QUEUES - 1]!]) {
      const { id } = await ops.jobs.enqueue(`lookup.${name}`, { n: 1 })
      await redis.config('RESETSTAT')
      expect((await ops.jobs.get(id)).queue).toBe(name)
      expect(await hexists(redis)).toBe(1)
    }
  })

  it('still finds a job whose id carries no hint (made by BullMQ), asking each queue', async () => {
    const last = names[QUEUES - 1]!
    const queue = new Queue(last, { connection: redis, prefix })
    const job = await queue.add(`lookup.${last}`, { n: 2 })
    await queue.close()
    await redis.config('RESETSTAT')
    expect((await ops.jobs.get(job.id!)).queue).toBe(last)
    expect(await hexists(redis)).toBe(QUEUES)
  })
})
