import { Queue } from 'bullmq'
import { beforeEach, describe, expect, it } from 'vitest'
import { createRedis, waitForReady, type Redis } from '../connection.js'
import { addKeyed, idempotencyKeyOf, type IdempotencyScope } from './idempotency.js'
import { startRedisServer, useHarness } from '../testing/index.js'

describe('addKeyed', () => {
  const h = useHarness()
  let redis: Redis
  let queue: Queue
  let scope: IdempotencyScope

  beforeEach(() => {
    const { prefix } = h
    redis = h.redis
    queue = h.track('queue keyed', new Queue('keyed', { connection: redis, prefix }), (q) =>
      q.close(),
    )
    scope = { redis, prefix, ttlMs: 60_000 }
  })

  const job = (key: string | undefined, data: unknown, opts = {}) => ({
    name: 'k.job',
    data,
    opts,
    ...(key !== undefined && { key }),
  })
  const keyOf = (key: string) => idempotencyKeyOf(scope.prefix, 'keyed', 'k.job', key)

  it('claims, adds and confirms; a known key answers its job, even once removed', async () => {
    const [first] = await addKeyed(queue, scope, [job('a', 1)])
    expect(first).toMatchObject({ created: true })
    expect(await redis.get(keyOf('a'))).toBe(`c:${first!.enqueuedAt}:${first!.id}`)
    expect(await redis.pttl(keyOf('a'))).toBeGreaterThan(59_000)
    await (await queue.getJob(first!.id))!.remove()
    const [again] = await addKeyed(queue, scope, [job('a', 2)])
    expect(again).toEqual({ id: first!.id, created: false, enqueuedAt: first!.enqueuedAt })
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0 })
  })

  it('answers per item in a bulk: repeats, known keys and unkeyed items', async () => {
    const [known] = await addKeyed(queue, scope, [job('known', 0)])
    const results = await addKeyed(queue, scope, [
      job('x', 1),
      job('x', 2),
      job('known', 3),
      job(undefined, 4),
    ])
    expect(results.map((r) => r.created)).toEqual([true, false, false, true])
    expect(results[1]!.id).toBe(results[0]!.id)
    expect(results[2]!.id).toBe(known!.id)
    expect((await queue.getJob(results[0]!.id))!.data).toBe(1)
    expect(await queue.count()).toBe(3)
  })

  it('an add that failed after its claim leaves the claim: the retry adds that very id', async () => {
    // BullMQ refuses a fractional priority while the MULTI is being built: the claim was made,
    // nothing else ran (the state a producer leaves when Redis drops between the two).
    const failed = await addKeyed(queue, scope, [job('lost', 1, { priority: 1.5 })]).catch(
      (err: unknown) => err,
    )
    expect(failed).toBeInstanceOf(Error)
    const claim = await redis.get(keyOf('lost'))
    expect(claim).toMatch(/^p:/)
    expect(await queue.count()).toBe(0)
    const retries = await Promise.all(
      [1, 2, 3].map((n) => addKeyed(queue, scope, [job('lost', n)])),
    )
    expect(retries.map(([r]) => r!.id)).toEqual(Array(3).fill(claim!.slice(2)))
    expect(retries.filter(([r]) => r!.created)).toHaveLength(1)
    expect(await queue.count()).toBe(1)
  })

  it('adds after Redis lost BullMQ scripts the connection thinks it sent (no NOSCRIPT)', async () => {
    // A private server: SCRIPT FLUSH there touches no other test.
    const server = await startRedisServer()
    const own = createRedis({ url: server.url, role: 'producer' })
    const ownQueue = new Queue('keyed', { connection: own, prefix: scope.prefix })
    try {
      await waitForReady(own, 5_000)
      const ownScope = { ...scope, redis: own }
      const before = await addKeyed(ownQueue, ownScope, [job('before', 1), job(undefined, 2)])
      expect(before.map((r) => r.created)).toEqual([true, true])
      await own.script('FLUSH')
      const after = await addKeyed(ownQueue, ownScope, [
        job('after', 3),
        job('after', 4),
        job('late', 5, { delay: 60_000 }),
        job('before', 6),
      ])
      expect(after.map((r) => r.created)).toEqual([true, false, true, false])
      expect(await ownQueue.count()).toBe(4)
      expect(await ownQueue.getDelayedCount()).toBe(1)
    } finally {
      await ownQueue.close()
      own.disconnect()
      await server.stop()
    }
  })
})
