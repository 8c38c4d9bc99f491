import { beforeEach, describe, expect, it } from 'vitest'
import { groupRegistry } from '../../test/fixtures/registry.js'
import type { Redis } from '../connection.js'
import { JobValidationError } from '../errors.js'
import { eventually, useHarness } from '../testing/index.js'
import { startWorker } from '../worker/boot.js'
import { createOperations, type Operations } from './index.js'

/** Most jobs of one tenant seen active at once, sampled from BullMQ's active list every few ms. */
function sampleActive(h: { redis: Redis; prefix: string }) {
  const most = new Map<string, number>()
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const ids = await h.redis.lrange(`${h.prefix}:tenants:active`, 0, -1)
      const datas = await Promise.all(
        ids.map((id) => h.redis.hget(`${h.prefix}:tenants:${id}`, 'data')),
      )
      const now = new Map<string, number>()
      for (const data of datas) {
        const tenant = data ? (JSON.parse(data) as { tenant: string }).tenant : '?'
        now.set(tenant, (now.get(tenant) ?? 0) + 1)
      }
      for (const [tenant, n] of now) most.set(tenant, Math.max(most.get(tenant) ?? 0, n))
      await new Promise((resolve) => setTimeout(resolve, 3))
    }
  })()
  return async () => {
    stopped = true
    await loop
    return most
  }
}

describe('flow control per key (in process)', () => {
  const h = useHarness({ registry: groupRegistry })
  let producer: Operations
  beforeEach(() => {
    producer = h.producer(createOperations)
  })

  it('runs at most 2 jobs of one tenant at once, and every job', async () => {
    const stop = sampleActive(h)
    const { ids } = await producer.jobs.enqueueBulk(
      'test.tenant',
      ['a', 'a', 'a', 'a', 'a', 'a', 'b', 'b', 'b'].map((tenant) => ({ data: { tenant, ms: 40 } })),
    )
    await h.worker(startWorker, {})
    for (const id of ids) await h.waiter.finished('tenants', id)
    const most = await stop()
    expect(most.get('a')).toBe(2)
    expect(most.get('b')).toBe(2)
    // Every slot is given back: nothing held, nothing waiting.
    expect(await h.redis.hlen(`${h.prefix}:groups.tenants:held`)).toBe(0)
    expect(await h.redis.zcard(`${h.prefix}:groups.tenants:load`)).toBe(0)
  })

  it('refuses a group key that is not a short non-empty string, and a jobId', async () => {
    await expect(producer.jobs.enqueue('test.tenant', { tenant: '', ms: 1 })).rejects.toThrow(
      JobValidationError,
    )
    await expect(
      producer.jobs.enqueue('test.tenant', { tenant: 'a', ms: 1 }, { jobId: 'k1' }),
    ).rejects.toThrow(JobValidationError)
    expect(await h.redis.zcard(`${h.prefix}:tenants:delayed`)).toBe(0)
  })

  it('starts at most 3 jobs of one tenant per second', async () => {
    const { ids } = await producer.jobs.enqueueBulk(
      'test.rated',
      Array.from({ length: 8 }, () => ({ data: { tenant: 'r', ms: 5 } })),
    )
    await h.worker(startWorker, {})
    for (const id of ids) await h.waiter.finished('tenants', id, 10_000)
    const starts = await Promise.all(
      ids.map(async (id) => Number(await h.redis.hget(`${h.prefix}:tenants:${id}`, 'processedOn'))),
    )
    starts.sort((x, y) => x - y)
    for (const [i, at] of starts.entries()) {
      expect(
        starts.filter((s) => s >= at && s < at + 1_000).length,
        `window from start ${i}`,
      ).toBeLessThanOrEqual(3)
    }
    await eventually(
      () => h.redis.hlen(`${h.prefix}:groups.tenants:held`),
      (n) => n === 0,
    )
  })

  it('retries a failed grouped job through its key’s gate', async () => {
    const [failing] = (
      await producer.jobs.enqueueBulk('test.tenant', [{ data: { tenant: 'f', ms: 1, fail: true } }])
    ).ids
    await h.worker(startWorker, {})
    expect(await h.waiter.finished('tenants', failing!)).toMatchObject({ state: 'failed' })
    const busy = (
      await producer.jobs.enqueueBulk(
        'test.tenant',
        [1, 2].map(() => ({ data: { tenant: 'f', ms: 400 } })),
      )
    ).ids
    await eventually(
      () => Promise.all(busy.map((id) => producer.jobs.get(id))),
      (views) => views.every((v) => v.state === 'active'),
    )
    await producer.control.retry(failing!)
    // Both slots are taken: the retried job waits in its group, not in the queue.
    const definition = groupRegistry.job('test.tenant')!
    expect(await producer.groups.view(definition, 'f')).toMatchObject({ active: 2, waiting: 1 })
    expect((await producer.jobs.get(failing!)).state).toBe('delayed')
    for (const id of busy) await h.waiter.finished('tenants', id)
    await eventually(
      () => producer.jobs.get(failing!),
      (view) => view.state === 'failed' && view.attemptsStarted === 1,
    )
    await eventually(
      () => h.redis.hlen(`${h.prefix}:groups.tenants:held`),
      (n) => n === 0,
    )
  })

  it('frees the slot of a job removed outside the workers (the sweep) and drops a cancelled held job', async () => {
    const { ids } = await producer.jobs.enqueueBulk(
      'test.tenant',
      [1, 2, 3, 4].map(() => ({ data: { tenant: 's', ms: 1 } })),
    )
    const definition = groupRegistry.job('test.tenant')!
    expect(await producer.groups.view(definition, 's')).toMatchObject({ active: 2, waiting: 2 })
    // One dispatched job (in wait) and one held job are cancelled before any worker runs.
    expect(await producer.control.cancel(ids[0]!)).toMatchObject({ outcome: 'removed' })
    expect(await producer.control.cancel(ids[3]!)).toMatchObject({ outcome: 'removed' })
    await h.worker(startWorker, { stalledIntervalMs: 200 })
    for (const id of [ids[1]!, ids[2]!]) {
      expect(await h.waiter.finished('tenants', id)).toMatchObject({ state: 'completed' })
    }
    await eventually(
      () => producer.groups.list('tenants'),
      (page) => page.total === 0,
    )
    expect(await h.redis.hlen(`${h.prefix}:groups.tenants:held`)).toBe(0)
  })
})
