import { beforeEach, describe, expect, it } from 'vitest'
import { searchRegistry } from '../../test/fixtures/search-registry.js'
import { eventually, useHarness } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { contextOf, createOperations, type Operations } from './index.js'
import { sweepIndex } from './search-index.js'

describe('search index (real Redis): written with the job, gone with it', () => {
  const h = useHarness({ registry: searchRegistry })
  let producer: Operations

  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  const order = (customerId: string, region = 'eu', amount = 1) =>
    ({ customerId, region, amount }) as const
  const idxKey = (field: string, value: string) =>
    `${h.prefix}:orders:idx:test.order:${field}:${value}`
  /** Every index key of the queue (its sorted sets and the set naming them). */
  const indexKeys = async () => (await h.redis.keys(`${h.prefix}:orders:idx*`)).sort()
  const ids = (key: string) => h.redis.zrange(key, 0, -1)

  it('indexes each declared field at enqueue (single, bulk, keyed), normalised; a plain job writes nothing', async () => {
    const one = await producer.jobs.enqueue('test.order', order(' C42 ', 'EU'))
    const bulk = await producer.jobs.enqueueBulk('test.order', [
      { data: order('c42', 'us') },
      { data: order('c7', 'eu') },
    ])
    const keyed = await producer.jobs.enqueue('test.order', order('c42'), { jobId: 'k-1' })
    const again = await producer.jobs.enqueue('test.order', order('c42'), { jobId: 'k-1' })
    expect(again.created).toBe(false)
    await producer.jobs.enqueue('test.plain-order', { customerId: 'c42' })

    expect((await ids(idxKey('customerId', 'c42'))).sort()).toEqual(
      [one.id, bulk.ids[0]!, keyed.id].sort(),
    )
    expect(await ids(idxKey('customerId', 'c7'))).toEqual([bulk.ids[1]])
    expect((await ids(idxKey('region', 'eu'))).sort()).toEqual(
      [one.id, bulk.ids[1]!, keyed.id].sort(),
    )
    // Scored by enqueue time (ms).
    const score = Number(await h.redis.zscore(idxKey('customerId', 'c42'), one.id))
    expect(score).toBe(Date.parse(one.enqueuedAt))
    expect(await h.redis.smembers(`${h.prefix}:orders:idx`)).toHaveLength(4)
    expect(await indexKeys()).toHaveLength(5)
  })

  it('drops a cancelled job’s entries at once', async () => {
    const kept = await producer.jobs.enqueue('test.order', order('c1'))
    const cancelled = await producer.jobs.enqueue('test.order', order('c1'))
    expect(await producer.control.cancel(cancelled.id)).toMatchObject({ outcome: 'removed' })
    expect(await ids(idxKey('customerId', 'c1'))).toEqual([kept.id])
    expect(await ids(idxKey('region', 'eu'))).toEqual([kept.id])
  })

  it('returns to empty once every job is cleaned or emptied (completed, failed, waiting)', async () => {
    const items = Array.from({ length: 300 }, (_, n) => ({
      data: order(`c${n % 30}`, n % 2 ? 'eu' : 'us', n % 10 === 0 ? -1 : n),
    }))
    const { ids: finished } = await producer.jobs.enqueueBulk('test.order', items)
    const worker = await h.worker(startWorker, {})
    await eventually(
      () => h.waiter.counts('orders'),
      (counts) => counts.completed === 270 && counts.failed === 30,
    )
    await worker.close()
    // Waiting ones, for empty.
    await producer.jobs.enqueueBulk('test.order', [{ data: order('c1') }, { data: order('c99') }])
    expect(await ids(idxKey('customerId', 'c0'))).toHaveLength(10)
    expect(finished).toHaveLength(300)

    await producer.queues.clean('orders', { state: 'completed', olderThanMs: 0 })
    // Failed jobs are still there: their entries stay; the completed ones' are gone.
    expect(await ids(idxKey('customerId', 'c0'))).toHaveLength(10)
    expect(await ids(idxKey('customerId', 'c1'))).toHaveLength(1)
    await producer.queues.clean('orders', { state: 'failed', olderThanMs: 0 })
    expect(await ids(idxKey('customerId', 'c0'))).toEqual([])
    await producer.queues.empty('orders')
    expect(await indexKeys()).toEqual([])
  })

  it('a sweep removes the entries of jobs BullMQ removed by retention, and only those', async () => {
    const keeping = h.producer((deps) => createOperations({ ...deps, keepCompleted: 5 }))
    const { ids: all } = await keeping.jobs.enqueueBulk(
      'test.order',
      Array.from({ length: 40 }, (_, n) => ({ data: order('c5', 'eu', n) })),
    )
    const worker = await h.worker(startWorker, {})
    // All 40 ran (none fails); BullMQ keeps only the last 5.
    await eventually(
      () => h.waiter.counts('orders'),
      (counts) => counts.completed === 5 && counts.waiting === 0 && counts.active === 0,
    )
    await worker.close()
    // BullMQ removed 35 jobs in its own scripts: their entries linger until a sweep.
    expect(await ids(idxKey('customerId', 'c5'))).toHaveLength(40)
    const queue = contextOf.get(keeping)!.queueOf('orders')
    const live = await queue.getJobs(['completed'])
    expect(live).toHaveLength(5)
    const swept = await sweepIndex(h.redis, queue)
    expect(swept).toEqual({ examined: 80, removed: 70, complete: true })
    const kept = live.map((job) => job.id!).sort()
    expect((await ids(idxKey('customerId', 'c5'))).sort()).toEqual(kept)
    expect((await ids(idxKey('region', 'eu'))).sort()).toEqual(kept)
    expect(kept.every((id) => all.includes(id))).toBe(true)
  })

  it('a sweep stops at its budget and says so; the next one finishes', async () => {
    await producer.jobs.enqueueBulk(
      'test.order',
      Array.from({ length: 30 }, (_, n) => ({ data: order(`c${n}`) })),
    )
    const queue = contextOf.get(producer)!.queueOf('orders')
    await producer.queues.empty('orders')
    // empty() swept already; put entries back as a crash between remove and sweep would leave.
    await h.redis.zadd(idxKey('customerId', 'gone'), 1, 'no-such-job', 2, 'nor-this-one')
    await h.redis.sadd(`${h.prefix}:orders:idx`, 'test.order:customerId:gone')
    expect(await sweepIndex(h.redis, queue, 1)).toEqual({
      examined: 1,
      removed: 1,
      complete: false,
    })
    expect(await sweepIndex(h.redis, queue)).toEqual({ examined: 1, removed: 1, complete: true })
    expect(await indexKeys()).toEqual([])
  })
})
