import { beforeEach, describe, expect, it } from 'vitest'
import { searchRegistry } from '../../test/fixtures/search-registry.js'
import { JobValidationError, UnknownJobError, UnknownQueueError } from '../errors.js'
import { toPublicState } from '../job-state.js'
import { eventually, useHarness } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { contextOf, createOperations, type Operations } from './index.js'

describe('search by declared fields (real Redis)', () => {
  const h = useHarness({ registry: searchRegistry })
  let producer: Operations

  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  /** Every page of a search, walked by its cursors: the ids in order, and how many pages. */
  const searchAll = async (query: Record<string, string>) => {
    const ids: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await producer.jobs.search({ ...query, ...(cursor && { cursor }) })
      ids.push(...page.jobs.map((job) => job.id))
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    return { ids, pages }
  }

  it('answers exactly the jobs of a customer, and of a customer in a region, over 10,000 jobs of 100 customers', async () => {
    const items = Array.from({ length: 10_000 }, (_, n) => ({
      data: { customerId: `c${n % 100}`, region: ['eu', 'us', 'ap'][n % 3]!, amount: n },
    }))
    // Two bulks a few ms apart, so pages cross a change of enqueue time.
    const first = await producer.jobs.enqueueBulk('test.order', items.slice(0, 5_000))
    // The first bulk's enqueue time is at most `sent`; wait for the clock to pass it.
    const sent = Date.now()
    await eventually(
      () => Date.now(),
      (now) => now > sent,
    )

    const second = await producer.jobs.enqueueBulk('test.order', items.slice(5_000))
    const ids = [...first.ids, ...second.ids]
    const expected = (keep: (n: number) => boolean) => ids.filter((_, n) => keep(n)).sort()

    const c42 = await searchAll({ name: 'test.order', customerId: 'C42', limit: '30' })
    expect(c42.ids).toHaveLength(100)
    expect(new Set(c42.ids).size).toBe(100)
    expect([...c42.ids].sort()).toEqual(expected((n) => n % 100 === 42))
    expect(c42.pages).toBe(4)
    // Newest first: the second bulk's jobs before the first's.
    const inSecond = c42.ids.map((id) => second.ids.includes(id))
    expect(inSecond.indexOf(false)).toBe(50)
    expect(inSecond.slice(50).every((x) => !x)).toBe(true)

    const c42us = await searchAll({ name: 'test.order', customerId: 'c42', region: 'us' })
    expect([...c42us.ids].sort()).toEqual(expected((n) => n % 100 === 42 && n % 3 === 1))
    expect(c42us.ids.length).toBeGreaterThan(30)

    const none = await producer.jobs.search({ name: 'test.order', customerId: 'c100' })
    expect(none).toEqual({ jobs: [], nextCursor: null, examined: 0 })

    const [preview] = (
      await producer.jobs.search({ name: 'test.order', customerId: 'c7', limit: '1' })
    ).jobs
    expect(preview).toMatchObject({ name: 'test.order', queue: 'orders', state: 'waiting' })
    expect(preview!.data).toMatchObject({ customerId: 'c7' })
  })

  it('filters by state, failure reason and enqueue time', async () => {
    const early = await producer.jobs.enqueue('test.order', {
      customerId: 'c1',
      region: 'eu',
      amount: 1,
    })
    await eventually(
      () => Date.now(),
      (now) => now > Date.parse(early.enqueuedAt) + 5,
    )
    const { ids } = await producer.jobs.enqueueBulk(
      'test.order',
      [5, -1, 6, -2].map((amount) => ({ data: { customerId: 'c1', region: 'eu', amount } })),
    )
    await h.worker(startWorker, {})
    await eventually(
      () => h.waiter.counts('orders'),
      (counts) => counts.completed === 3 && counts.failed === 2,
    )
    const search = (more: Record<string, string>) =>
      producer.jobs
        .search({ name: 'test.order', customerId: 'c1', ...more })
        .then((page) => page.jobs.map((job) => job.id).sort())
    expect(await search({ state: 'failed' })).toEqual([ids[1], ids[3]].sort())
    expect(await search({ reason: 'AMOUNT -2 IS' })).toEqual([ids[3]])
    expect(await search({ state: 'completed', reason: 'negative' })).toEqual([])
    expect(await search({ to: early.enqueuedAt })).toEqual([early.id])
    const after = new Date(Date.parse(early.enqueuedAt) + 1).toISOString()
    expect(await search({ from: after })).toEqual([...ids].sort())
  })

  it("answers each job's state as BullMQ's own lookup does (without walking the wait list)", async () => {
    const order = (amount: number, options?: object) =>
      producer.jobs.enqueue('test.order', { customerId: 'c3', region: 'eu', amount }, options)
    await order(1)
    await order(2, { priority: 5 })
    await order(3, { delay: 60_000 })
    const queue = contextOf.get(producer)!.queueOf('orders')
    const sameAsBullmq = async (count: number) => {
      const page = await producer.jobs.search({ name: 'test.order', customerId: 'c3' })
      expect(page.jobs).toHaveLength(count)
      for (const job of page.jobs) {
        expect([job.id, job.state]).toEqual([
          job.id,
          toPublicState(await queue.getJobState(job.id)),
        ])
      }
      return page.jobs.map((job) => job.state).sort()
    }
    expect(await sameAsBullmq(3)).toEqual(['delayed', 'waiting', 'waiting'])
    // A paused queue keeps its jobs in `paused`: waiting too.
    await producer.queues.pause('orders')
    await order(4)
    expect(await sameAsBullmq(4)).toEqual(['delayed', 'waiting', 'waiting', 'waiting'])
  })

  it('skips and prunes the entry of a job removed behind its back (BullMQ retention, a script)', async () => {
    const kept = await producer.jobs.enqueue('test.order', {
      customerId: 'c9',
      region: 'eu',
      amount: 1,
    })
    const removed = await producer.jobs.enqueue('test.order', {
      customerId: 'c9',
      region: 'eu',
      amount: 2,
    })
    await contextOf.get(producer)!.queueOf('orders').remove(removed.id)
    const page = await producer.jobs.search({ name: 'test.order', customerId: 'c9' })
    expect(page.jobs.map((job) => job.id)).toEqual([kept.id])
    expect(await h.redis.zrange(`${h.prefix}:orders:idx:test.order:customerId:c9`, 0, -1)).toEqual([
      kept.id,
    ])
    // Two fields, one job a page: the removed newest match is passed over, not answered.
    const other = await producer.jobs.enqueue('test.order', {
      customerId: 'c9',
      region: 'us',
      amount: 3,
    })
    const newest = await producer.jobs.enqueue('test.order', {
      customerId: 'c9',
      region: 'eu',
      amount: 4,
    })
    await contextOf.get(producer)!.queueOf('orders').remove(newest.id)
    const both = { name: 'test.order', customerId: 'c9', region: 'eu', limit: '1' }
    const first = await producer.jobs.search(both)
    expect(first.jobs.map((job) => job.id)).toEqual([kept.id])
    expect(first.jobs.map((job) => job.id)).not.toContain(other.id)
  })

  it('refuses a bad search with the field named, and changes nothing', async () => {
    await producer.jobs.enqueue('test.order', { customerId: 'c1', region: 'eu', amount: 1 })
    const refused = async (query: Record<string, unknown>, path: string) => {
      const err = await producer.jobs.search(query).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(JobValidationError)
      expect((err as JobValidationError).issues[0]!.path).toBe(path)
    }
    await refused({ name: 'test.order', amount: '1' }, 'amount')
    await refused({ name: 'test.order' }, '')
    await refused({ name: 'test.plain-order', customerId: 'c1' }, 'customerId')
    await refused({ customerId: 'c1', queue: 'orders' }, 'name')
    await refused({ customerId: 'c1' }, 'name')
    await refused({ name: 'test.order', customerId: 'c1', cursor: 'bm9wZQ' }, 'cursor')
    await refused({ name: 'test.order', customerId: 'c1', limit: '0' }, 'limit')
    await refused({ name: 'test.order', customerId: ['c1', 'c2'] }, 'customerId')
    await expect(producer.jobs.search({ name: 'test.nope', customerId: 'c1' })).rejects.toThrow(
      UnknownJobError,
    )
    await expect(
      producer.jobs.search({ name: 'test.order', customerId: 'c1', queue: 'nope' }),
    ).rejects.toThrow(UnknownQueueError)
    expect(await h.redis.zcard(`${h.prefix}:orders:idx:test.order:customerId:c1`)).toBe(1)
  })
})
