import { beforeEach, describe, expect, it } from 'vitest'
import { createOperations, startWorker, type Operations } from '@jobq/queue-core'
import { useHarness, type JobWaiter } from '@jobq/queue-core/testing'
import { registry } from '../index.js'

describe('demo.rows fans out one demo.row per row', () => {
  const h = useHarness({ registry })
  let producer: Operations
  let waiter: JobWaiter

  beforeEach(async () => {
    waiter = h.waiter
    producer = h.producer(createOperations)
    await h.worker(startWorker, { queues: ['default'] })
  })

  it('completes with a poisoned row reported in failed, after that row used its retries', async () => {
    const rows = [{ a: 1 }, { b: 2, c: 3 }, { poison: true }, { d: 4 }, {}]
    const { id } = await producer.jobs.enqueue('demo.rows', { rows })
    expect(await waiter.finished('default', id, 30_000)).toEqual({
      state: 'completed',
      result: { processed: 4, failed: [{ index: 2, reason: 'row 2 is poisoned' }] },
    })
    const parent = await producer.jobs.get(id)
    expect(parent.progress).toEqual({ done: 5, total: 5, failed: 1, percent: 100 })

    const children = await producer.jobs.list('default', { state: 'completed' })
    const rowJobs = children.filter((job) => job.name === 'demo.row')
    expect(
      rowJobs
        .map((job) => job.result)
        .sort((a, b) => (a as { index: number }).index - (b as { index: number }).index),
    ).toEqual([
      { index: 0, columns: 1 },
      { index: 1, columns: 2 },
      { index: 3, columns: 1 },
      { index: 4, columns: 0 },
    ])
    const poisoned = await producer.jobs.get(`${id}.c2`)
    expect(poisoned).toMatchObject({
      state: 'failed',
      attemptsMade: 3,
      failedReason: 'row 2 is poisoned',
    })
  })

  it('reports progress on the parent as its rows finish', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ i }))
    // Enqueued while the queue is paused, so progress is recorded from the very first event.
    await producer.queues.pause('default')
    const { id } = await producer.jobs.enqueue('demo.rows', { rows })
    const progress = await waiter.recordProgress('default', id)
    await producer.queues.resume('default')
    expect(await waiter.finished('default', id, 30_000)).toMatchObject({
      state: 'completed',
      result: { processed: 20, failed: [] },
    })
    const percents = progress.map((p) => (p as { percent: number }).percent)
    expect(percents.at(-1)).toBe(100)
    // Intermediate reports, never going backwards.
    expect(percents.filter((p) => p > 0 && p < 100).length).toBeGreaterThan(0)
    expect([...percents].sort((a, b) => a - b)).toEqual(percents)
  })
})
